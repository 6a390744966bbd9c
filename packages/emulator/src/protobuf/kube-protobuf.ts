// Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), for the few kinds
// kubectl's generators and `kubectl auth` send that way: ConfigMap, Secret, Namespace,
// ServiceAccount, Service (`kubectl create service`), SelfSubjectAccessReview,
// SelfSubjectRulesReview and SelfSubjectReview. The envelope is the 4-byte magic `k8s\0` followed by a `runtime.Unknown`:
//
//   Unknown  { TypeMeta typeMeta = 1 { apiVersion = 1; kind = 2 }; bytes raw = 2;
//              contentEncoding = 3; contentType = 4 }
//
// Field numbers are those of k8s.io/api's generated.proto, checked against bodies kubectl
// 1.32 sent to the emulator. Empty strings and zero numbers are proto2 "unset" here.
import type { JsonObject } from '../json-value.js';
import type { ProtoField } from './proto-wire.js';
import { ProtoError, readFields, str } from './proto-wire.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

type Decoder = (fields: ProtoField[]) => JsonObject;

function get(fields: ProtoField[], num: number): ProtoField | undefined {
  return fields.find((f) => f.num === num);
}

function all(fields: ProtoField[], num: number): ProtoField[] {
  return fields.filter((f) => f.num === num);
}

function setStr(out: JsonObject, key: string, f: ProtoField | undefined): void {
  if (f?.bytes && f.bytes.length) out[key] = str(f);
}

function setInt(out: JsonObject, key: string, f: ProtoField | undefined): void {
  if (f?.int !== undefined && f.int !== 0n) out[key] = Number(BigInt.asIntN(64, f.int));
}

function setBool(out: JsonObject, key: string, f: ProtoField | undefined): void {
  if (f?.int !== undefined && f.int !== 0n) out[key] = true;
}

/** `map<string, string>` (or bytes values, base64 encoded as JSON does). */
function map(fields: ProtoField[], num: number, bytesValues = false): Record<string, string> | undefined {
  const entries = all(fields, num);
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = readFields(e.bytes!);
    const k = get(kv, 1);
    const v = get(kv, 2);
    out[k ? str(k) : ''] = v?.bytes ? (bytesValues ? Buffer.from(v.bytes).toString('base64') : str(v)) : '';
  }
  return out;
}

function strings(fields: ProtoField[], num: number): string[] | undefined {
  const l = all(fields, num).map(str);
  return l.length ? l : undefined;
}

function message(fields: ProtoField[], num: number, decode: Decoder): JsonObject | undefined {
  const f = get(fields, num);
  return f?.bytes ? decode(readFields(f.bytes)) : undefined;
}

function objectMeta(m: ProtoField[]): JsonObject {
  const out: JsonObject = {};
  setStr(out, 'name', get(m, 1));
  setStr(out, 'generateName', get(m, 2));
  setStr(out, 'namespace', get(m, 3));
  setStr(out, 'uid', get(m, 5));
  setStr(out, 'resourceVersion', get(m, 6));
  const labels = map(m, 11);
  if (labels) out.labels = labels;
  const annotations = map(m, 12);
  if (annotations) out.annotations = annotations;
  const finalizers = strings(m, 14);
  if (finalizers) out.finalizers = finalizers;
  return out;
}

function withMeta(f: ProtoField[], rest: (fields: ProtoField[], out: JsonObject) => void): JsonObject {
  const out: JsonObject = { metadata: message(f, 1, objectMeta) ?? {} };
  rest(f, out);
  return out;
}

function servicePort(p: ProtoField[]): JsonObject {
  const out: JsonObject = {};
  setStr(out, 'name', get(p, 1));
  setStr(out, 'protocol', get(p, 2));
  setInt(out, 'port', get(p, 3));
  const tp = get(p, 4);
  if (tp?.bytes) {
    const t = readFields(tp.bytes);
    const type = Number(get(t, 1)?.int ?? 0n);
    if (type === 1) setStr(out, 'targetPort', get(t, 3));
    else setInt(out, 'targetPort', get(t, 2));
  }
  setInt(out, 'nodePort', get(p, 5));
  return out;
}

function serviceSpec(s: ProtoField[]): JsonObject {
  const out: JsonObject = {};
  const ports = all(s, 1).map((p) => servicePort(readFields(p.bytes!)));
  if (ports.length) out.ports = ports;
  const selector = map(s, 2);
  if (selector) out.selector = selector;
  setStr(out, 'clusterIP', get(s, 3));
  setStr(out, 'type', get(s, 4));
  const externalIPs = strings(s, 5);
  if (externalIPs) out.externalIPs = externalIPs;
  setStr(out, 'sessionAffinity', get(s, 7));
  setStr(out, 'loadBalancerIP', get(s, 8));
  setStr(out, 'externalName', get(s, 10));
  setStr(out, 'externalTrafficPolicy', get(s, 11));
  setInt(out, 'healthCheckNodePort', get(s, 12));
  setBool(out, 'publishNotReadyAddresses', get(s, 13));
  return out;
}

function resourceAttributes(r: ProtoField[]): JsonObject {
  const out: JsonObject = {};
  ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'].forEach((k, i) =>
    setStr(out, k, get(r, i + 1)),
  );
  return out;
}

function nonResourceAttributes(r: ProtoField[]): JsonObject {
  const out: JsonObject = {};
  setStr(out, 'path', get(r, 1));
  setStr(out, 'verb', get(r, 2));
  return out;
}

const decoders: Record<string, Decoder> = {
  'v1/ConfigMap': (f) =>
    withMeta(f, (g, out) => {
      const data = map(g, 2);
      if (data) out.data = data;
      const binaryData = map(g, 3, true);
      if (binaryData) out.binaryData = binaryData;
      setBool(out, 'immutable', get(g, 4));
    }),
  'v1/Secret': (f) =>
    withMeta(f, (g, out) => {
      const data = map(g, 2, true);
      if (data) out.data = data;
      setStr(out, 'type', get(g, 3));
      const stringData = map(g, 4);
      if (stringData) out.stringData = stringData;
      setBool(out, 'immutable', get(g, 5));
    }),
  'v1/Namespace': (f) => withMeta(f, () => undefined),
  'v1/ServiceAccount': (f) =>
    withMeta(f, (g, out) => {
      setBool(out, 'automountServiceAccountToken', get(g, 4));
    }),
  'v1/Service': (f) =>
    withMeta(f, (g, out) => {
      out.spec = message(g, 2, serviceSpec) ?? {};
    }),
  'authorization.k8s.io/v1/SelfSubjectAccessReview': (f) =>
    withMeta(f, (g, out) => {
      out.spec =
        message(g, 2, (s) => {
          const spec: JsonObject = {};
          const ra = message(s, 1, resourceAttributes);
          if (ra) spec.resourceAttributes = ra;
          const na = message(s, 2, nonResourceAttributes);
          if (na) spec.nonResourceAttributes = na;
          return spec;
        }) ?? {};
    }),
  'authentication.k8s.io/v1/SelfSubjectReview': (f) => withMeta(f, () => undefined),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': (f) =>
    withMeta(f, (g, out) => {
      out.spec =
        message(g, 2, (s) => {
          const spec: JsonObject = {};
          setStr(spec, 'namespace', get(s, 1));
          return spec;
        }) ?? {};
    }),
};

/** True for a protobuf request body with the Kubernetes magic. */
export function isKubeProtobuf(contentType: string, raw: Uint8Array): boolean {
  return contentType.split(';')[0]!.trim() === PROTOBUF_CONTENT_TYPE && MAGIC.every((b, i) => raw[i] === b);
}

/**
 * Decodes a protobuf body into the JSON object it stands for; undefined for a kind this
 * module does not know (the caller answers 415). Throws ProtoError on malformed input.
 */
export function decodeKubeProtobuf(raw: Uint8Array): JsonObject | undefined {
  const unknown = readFields(raw.subarray(4));
  const typeMeta = message(unknown, 1, (t) => {
    const out: JsonObject = {};
    setStr(out, 'apiVersion', get(t, 1));
    setStr(out, 'kind', get(t, 2));
    return out;
  });
  const rawField = get(unknown, 2);
  const encoding = get(unknown, 3);
  if (!typeMeta || !rawField?.bytes) throw new ProtoError('protobuf body without typeMeta or raw');
  if (encoding?.bytes?.length) throw new ProtoError('content encodings are not supported');
  const decode = decoders[`${String(typeMeta.apiVersion)}/${String(typeMeta.kind)}`];
  if (!decode) return undefined;
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decode(readFields(rawField.bytes)) };
}
