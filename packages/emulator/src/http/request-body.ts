// Request bodies: JSON (and YAML), plus Kubernetes protobuf for the kinds kube-protobuf.ts
// knows. Anything else is 415; undecodable input is 400.
import { parse as parseYaml } from 'yaml';
import { badRequest, unsupportedMediaType } from '../errors.js';
import { ProtoError } from '../protobuf/proto-wire.js';
import { PROTOBUF_CONTENT_TYPE, decodeKubeProtobuf, isKubeProtobuf } from '../protobuf/kube-protobuf.js';

export const BODY_TYPES = ['application/json', 'application/yaml', PROTOBUF_CONTENT_TYPE];

export function decodeRequestBody(raw: Buffer, contentType: string): unknown {
  const type = contentType.split(';')[0]!.trim();
  if (type === PROTOBUF_CONTENT_TYPE) {
    if (!isKubeProtobuf(type, raw))
      throw badRequest('the body of the request could not be decoded: missing protobuf magic');
    let obj: unknown;
    try {
      obj = decodeKubeProtobuf(raw);
    } catch (e) {
      if (e instanceof ProtoError)
        throw badRequest(`the body of the request could not be decoded: ${e.message}`);
      throw e;
    }
    if (obj === undefined) throw unsupportedMediaType(contentType, ['application/json', 'application/yaml']);
    return obj;
  }
  if (type !== '' && !BODY_TYPES.includes(type)) throw unsupportedMediaType(contentType, BODY_TYPES);
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return type === 'application/yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded: ${(e as Error).message}`);
  }
}
