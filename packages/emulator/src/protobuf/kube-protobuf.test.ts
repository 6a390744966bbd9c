// Decoding of Kubernetes protobuf bodies, built here with a minimal encoder that follows the
// layout kubectl 1.32 was observed to send (see kube-protobuf.ts).
import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, isKubeProtobuf } from './kube-protobuf.js';
import { ProtoError, readFields } from './proto-wire.js';

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const bytes = (num: number, b: number[] | string): number[] => {
  const data = typeof b === 'string' ? [...Buffer.from(b)] : b;
  return [...varint((num << 3) | 2), ...varint(data.length), ...data];
};
const int = (num: number, v: number): number[] => [...varint(num << 3), ...varint(v)];
const entry = (num: number, k: string, v: string): number[] => bytes(num, [...bytes(1, k), ...bytes(2, v)]);

function envelope(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  return Uint8Array.from([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...bytes(1, [...bytes(1, apiVersion), ...bytes(2, kind)]),
    ...bytes(2, raw),
    ...bytes(3, ''),
    ...bytes(4, ''),
  ]);
}

const meta = (name: string, extra: number[] = []) =>
  bytes(1, [...bytes(1, name), ...bytes(2, ''), ...bytes(3, ''), ...int(7, 0), ...extra]);

describe('decodeKubeProtobuf', () => {
  it('decodes a ConfigMap with data, skipping empty strings', () => {
    const body = envelope('v1', 'ConfigMap', [...meta('cm1'), ...entry(2, 'a', 'b'), ...entry(2, 'c', 'd')]);
    expect(isKubeProtobuf('application/vnd.kubernetes.protobuf', body)).toBe(true);
    expect(decodeKubeProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm1' },
      data: { a: 'b', c: 'd' },
    });
  });

  it('base64-encodes Secret data as JSON does', () => {
    const body = envelope('v1', 'Secret', [
      ...meta('s', entry(11, 'app', 'x')),
      ...entry(2, 'k', 'v'),
      ...bytes(3, 'Opaque'),
    ]);
    expect(decodeKubeProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', labels: { app: 'x' } },
      data: { k: 'dg==' },
      type: 'Opaque',
    });
  });

  it('decodes a Service spec with an integer targetPort', () => {
    const port = bytes(1, [
      ...bytes(1, '80-8080'),
      ...bytes(2, 'TCP'),
      ...int(3, 80),
      ...bytes(4, [...int(1, 0), ...int(2, 8080), ...bytes(3, '')]),
      ...int(5, 0),
    ]);
    const spec = bytes(2, [...port, ...entry(2, 'app', 'web'), ...bytes(3, ''), ...bytes(4, 'LoadBalancer')]);
    expect(decodeKubeProtobuf(envelope('v1', 'Service', [...meta('web'), ...spec]))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 'web' },
        type: 'LoadBalancer',
      },
    });
  });

  it('decodes a SelfSubjectAccessReview', () => {
    const ra = bytes(1, [
      ...bytes(1, 'default'),
      ...bytes(2, 'list'),
      ...bytes(3, ''),
      ...bytes(4, ''),
      ...bytes(5, 'services'),
    ]);
    const body = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
      ...meta(''),
      ...bytes(2, ra),
    ]);
    expect(decodeKubeProtobuf(body)).toMatchObject({
      spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'services' } },
    });
  });

  it('returns undefined for kinds it does not know and throws ProtoError on garbage', () => {
    expect(decodeKubeProtobuf(envelope('apps/v1', 'Deployment', meta('d')))).toBeUndefined();
    expect(() => decodeKubeProtobuf(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff]))).toThrow(
      ProtoError,
    );
    expect(() => readFields(Uint8Array.from([0x0b]))).toThrow(ProtoError);
  });
});
