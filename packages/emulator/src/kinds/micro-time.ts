// `metav1.MicroTime` decoding: the server parses with the layout
// `2006-01-02T15:04:05.000000Z07:00`, so exactly six fractional digits (JavaScript's
// `toISOString()` has three and is rejected with 400, §3.2 of the design brief).
import { badRequest } from '../errors.js';
import { getPath } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { ResourceType } from './resource-type.js';

const LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

/** Rejects a MicroTime field in the wrong layout with the real server's 400 message. */
export function checkMicroTimes(obj: KObject, rt: ResourceType, paths: string[][]): void {
  for (const path of paths) {
    const v = getPath(obj, path);
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && MICRO.test(v)) continue;
    const text = String(v);
    const rest =
      typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(text) ? text.slice(19) : text;
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: parsing time ${JSON.stringify(text)} as ${JSON.stringify(LAYOUT)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(rest.startsWith('.') ? '.000000' : rest === text ? '2006' : '.000000')}`,
    );
  }
}
