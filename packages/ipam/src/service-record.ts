// Normalised, private copies of what callers pass in (so later changes to their objects do
// not reach the allocator's state), the sharing rules, and the order of claims.
import { IPAddress, type IPFamily, familyName } from '@ironlb/netaddr';
import { AllocationReason, type Failure, fail } from './reasons.js';
import type {
  AllocationRequest,
  ExistingAllocation,
  IPFamilyPolicy,
  ServiceInfo,
  ServicePort,
} from './types.js';

export interface ServiceMeta {
  readonly serviceKey: string;
  readonly namespace: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly serviceLabels: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePort[];
  readonly portKeys: ReadonlySet<string>;
  readonly sharingKey: string | undefined;
  readonly backendKey: string;
  readonly createdAt: number;
}

export interface NormalizedRequest {
  readonly meta: ServiceMeta;
  readonly requestedIPs: readonly IPAddress[];
  readonly pool: string | undefined;
  readonly policy: IPFamilyPolicy;
  readonly primaryFamily: IPFamily;
}

export interface NormalizedClaim {
  readonly meta: ServiceMeta;
  readonly ips: readonly IPAddress[];
  readonly pool: string | undefined;
}

const protocols = new Set(['TCP', 'UDP', 'SCTP']);
// Shared empty values: most Services have no labels the allocator needs, and memory grows per Service.
const noLabels: Readonly<Record<string, string>> = Object.freeze({});
const noPorts: readonly ServicePort[] = Object.freeze([]);
const noPortKeys: ReadonlySet<string> = new Set();

/** A private copy, so later changes to the caller's object do not reach the allocator. */
function copyLabels(labels: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  if (!labels) return noLabels;
  for (const _ in labels) return { ...labels };
  return noLabels;
}
const policies = new Set(['SingleStack', 'PreferDualStack', 'RequireDualStack']);

function normalizeMeta(info: ServiceInfo): ServiceMeta | Failure {
  if (typeof info.serviceKey !== 'string' || info.serviceKey === '') {
    return fail(AllocationReason.invalidRequest, 'the request has no serviceKey');
  }
  if (typeof info.namespace !== 'string') {
    return fail(AllocationReason.invalidRequest, `${info.serviceKey}: namespace is missing`);
  }
  const ports: ServicePort[] = [];
  for (const port of info.ports ?? []) {
    if (!protocols.has(port.protocol) || !Number.isInteger(port.port) || port.port < 0 || port.port > 65535) {
      return fail(
        AllocationReason.invalidRequest,
        `${info.serviceKey}: invalid port ${JSON.stringify(port)}`,
      );
    }
    ports.push({ protocol: port.protocol, port: port.port });
  }
  return {
    serviceKey: info.serviceKey,
    namespace: info.namespace,
    namespaceLabels: copyLabels(info.namespaceLabels),
    serviceLabels: copyLabels(info.serviceLabels),
    ports: ports.length === 0 ? noPorts : ports,
    portKeys: ports.length === 0 ? noPortKeys : new Set(ports.map((p) => `${p.protocol}/${p.port}`)),
    sharingKey: info.sharingKey === '' ? undefined : info.sharingKey,
    backendKey: info.backendKey ?? '',
    createdAt:
      typeof info.createdAt === 'number' && !Number.isNaN(info.createdAt) ? info.createdAt : Infinity,
  };
}

function parseIPs(key: string, texts: readonly string[], min: number): IPAddress[] | Failure {
  if (texts.length < min || texts.length > 2) {
    return fail(AllocationReason.invalidRequest, `${key}: expected ${min}-2 addresses, got ${texts.length}`);
  }
  const ips: IPAddress[] = [];
  for (const text of texts) {
    const parsed = IPAddress.tryParse(text);
    if (!parsed.ok) return fail(AllocationReason.invalidRequest, `${key}: ${parsed.error.message}`);
    ips.push(parsed.value);
  }
  if (ips.length === 2 && ips[0]!.family === ips[1]!.family) {
    return fail(
      AllocationReason.invalidRequest,
      `${key}: two ${familyName(ips[0]!.family)} addresses; a Service has at most one address per family`,
    );
  }
  return ips;
}

export function normalizeRequest(request: AllocationRequest): NormalizedRequest | Failure {
  const meta = normalizeMeta(request);
  if ('ok' in meta) return meta;
  const ips = parseIPs(meta.serviceKey, request.requestedIPs ?? [], 0);
  if (!Array.isArray(ips)) return ips;
  const policy = request.ipFamilyPolicy ?? 'SingleStack';
  if (!policies.has(policy))
    return fail(AllocationReason.invalidRequest, `${meta.serviceKey}: unknown ipFamilyPolicy ${policy}`);
  const primaryFamily = request.primaryFamily ?? 4;
  if (primaryFamily !== 4 && primaryFamily !== 6) {
    return fail(AllocationReason.invalidRequest, `${meta.serviceKey}: primaryFamily must be 4 or 6`);
  }
  if (policy === 'SingleStack' && ips.length > 0 && (ips.length > 1 || ips[0]!.family !== primaryFamily)) {
    return fail(
      AllocationReason.invalidRequest,
      `${meta.serviceKey}: a single-stack ${familyName(primaryFamily)} Service cannot request ${ips.join(', ')}`,
    );
  }
  if (policy === 'RequireDualStack' && ips.length === 1) {
    return fail(
      AllocationReason.invalidRequest,
      `${meta.serviceKey}: a RequireDualStack Service must request one address of each family, not only ${ips[0]!.toString()}`,
    );
  }
  return { meta, requestedIPs: ips, pool: request.pool, policy, primaryFamily };
}

export function normalizeClaim(existing: ExistingAllocation): NormalizedClaim | Failure {
  const meta = normalizeMeta(existing);
  if ('ok' in meta) return meta;
  const ips = parseIPs(meta.serviceKey, existing.ips ?? [], 1);
  if (!Array.isArray(ips)) return ips;
  return { meta, ips, pool: existing.pool };
}

/**
 * Whether `service` may share an address with `holder` (MetalLB semantics): both carry the
 * same sharing key, the same backend key, and no (protocol, port) in common.
 */
export function sharingFailure(
  service: ServiceMeta,
  holder: ServiceMeta,
  ip: IPAddress,
): Failure | undefined {
  if (
    service.sharingKey === undefined ||
    holder.sharingKey === undefined ||
    service.sharingKey !== holder.sharingKey
  ) {
    const why =
      service.sharingKey === undefined || holder.sharingKey === undefined
        ? 'both Services need the same sharing key to share it'
        : `sharing keys differ (${JSON.stringify(service.sharingKey)} and ${JSON.stringify(holder.sharingKey)})`;
    return fail(AllocationReason.ipInUse, `${ip.toString()} is in use by ${holder.serviceKey}: ${why}`);
  }
  if (service.backendKey !== holder.backendKey) {
    return fail(
      AllocationReason.sharingConflict,
      `${ip.toString()} is shared with ${holder.serviceKey} under key ${JSON.stringify(holder.sharingKey)}, ` +
        `but the backend keys differ (externalTrafficPolicy Local needs the same selector)`,
    );
  }
  for (const key of service.portKeys) {
    if (holder.portKeys.has(key)) {
      return fail(
        AllocationReason.sharingConflict,
        `${ip.toString()} is shared with ${holder.serviceKey} under key ${JSON.stringify(holder.sharingKey)}, ` +
          `but both use port ${key}`,
      );
    }
  }
  return undefined;
}

/** Negative when `a` was created before `b` (it wins conflicts); ties by serviceKey. */
export function compareAge(a: ServiceMeta, b: ServiceMeta): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.serviceKey < b.serviceKey ? -1 : a.serviceKey > b.serviceKey ? 1 : 0;
}

/** True when the metadata that sharing and scope depend on is the same. */
export function sameMeta(a: ServiceMeta, b: ServiceMeta): boolean {
  return (
    a.namespace === b.namespace &&
    a.sharingKey === b.sharingKey &&
    a.backendKey === b.backendKey &&
    a.createdAt === b.createdAt &&
    a.portKeys.size === b.portKeys.size &&
    [...a.portKeys].every((key) => b.portKeys.has(key)) &&
    sameLabels(a.namespaceLabels, b.namespaceLabels) &&
    sameLabels(a.serviceLabels, b.serviceLabels)
  );
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
  );
}
