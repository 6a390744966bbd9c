// `limit` and `continue` on lists. The continue token names the list's resourceVersion and
// the last key served; the next page continues after that key in the current state (the real
// server serves the next page from the snapshot at that RV, so objects changed between pages
// can differ here). A token whose RV was compacted away gets 410, as upstream.
import { StatusError, badRequest, statusBody } from '../errors.js';
import type { KObject } from '../kobject.js';
import { objectKey } from '../kobject.js';

export interface Page {
  items: KObject[];
  rv: number;
  continueToken?: string;
  remaining?: number;
}

interface Token {
  rv: number;
  start: string;
}

function decodeToken(text: string): Token {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Token;
    if (typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch {
    // fall through
  }
  throw badRequest(`continue key is not valid: ${text}`);
}

/** Cuts one page out of a key-ordered list. */
export function paginate(all: KObject[], rv: number, query: URLSearchParams, compactedRv: number): Page {
  const limitText = query.get('limit');
  const cont = query.get('continue');
  let items = all;
  let listRv = rv;
  if (cont) {
    const t = decodeToken(cont);
    if (t.rv < compactedRv)
      throw new StatusError(
        statusBody(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        ),
      );
    listRv = t.rv;
    items = items.filter((o) => objectKey(o.metadata.namespace, o.metadata.name!) > t.start);
  }
  const limit = limitText && /^\d+$/.test(limitText) ? Number(limitText) : 0;
  if (limit <= 0 || items.length <= limit) return { items, rv: listRv };
  const page = items.slice(0, limit);
  const last = page[page.length - 1]!;
  const token = Buffer.from(
    JSON.stringify({ rv: listRv, start: objectKey(last.metadata.namespace, last.metadata.name!) }),
  ).toString('base64url');
  return { items: page, rv: listRv, continueToken: token, remaining: items.length - limit };
}
