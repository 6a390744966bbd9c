// Writing responses: JSON bodies with the right headers, Status errors, and content
// negotiation between plain JSON and server-side Tables.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StatusBody } from '../errors.js';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function sendJson(
  res: ServerResponse,
  code: number,
  body: object | string,
  contentType = 'application/json',
  headers: Record<string, string | string[]> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendStatus(
  res: ServerResponse,
  status: StatusBody,
  headers: Record<string, string | string[]> = {},
): void {
  if (status.code === 429 && status.details?.retryAfterSeconds)
    headers['Retry-After'] = String(status.details.retryAfterSeconds);
  sendJson(res, status.code, status, 'application/json', headers);
}

/** True when the Accept header asks for a meta.k8s.io/v1 (or v1beta1) Table. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((entry) => {
    const [type, ...params] = entry.split(';').map((s) => s.trim());
    if (type !== 'application/json') return false;
    const p = new Map(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    return (
      p.get('as') === 'Table' &&
      p.get('g') === 'meta.k8s.io' &&
      (p.get('v') === 'v1' || p.get('v') === 'v1beta1')
    );
  });
}

/** True when JSON is acceptable (or nothing was said). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((entry) => {
    const type = entry.split(';')[0]!.trim();
    return (
      type === '*/*' || type === 'application/*' || type === 'application/json' || type === 'application/yaml'
    );
  });
}

export function readBodyBytes(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readBody(req: IncomingMessage, limit?: number): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}
