// Cluster IP and node port allocation for Services, sequential and deterministic (the real
// allocator is random; sequential makes transcripts stable). `.1` of the first IPv4 range
// is kept for `default/kubernetes`.
import type { Cidr, Family } from './ip-range.js';
import { bigIntToIp, canonicalIp, cidrContains, ipToBigInt, parseCidr } from './ip-range.js';

export interface AllocatorOptions {
  serviceCidrs: string[];
  nodePortRange: [number, number];
}

export class ServiceAllocator {
  private readonly ranges: Cidr[];
  private readonly usedIps = new Set<string>();
  private readonly nextIp = new Map<Family, bigint>();
  private readonly usedPorts = new Set<number>();
  private nextPort: number;

  constructor(private readonly opts: AllocatorOptions) {
    this.ranges = opts.serviceCidrs.map(parseCidr);
    this.nextPort = opts.nodePortRange[0];
  }

  families(): Family[] {
    return this.ranges.map((r) => r.family);
  }

  hasFamily(f: Family): boolean {
    return this.ranges.some((r) => r.family === f);
  }

  private range(f: Family): Cidr | undefined {
    return this.ranges.find((r) => r.family === f);
  }

  /** The first usable address of a family (`.1`), which the `kubernetes` Service takes. */
  firstIp(f: Family): string | undefined {
    const r = this.range(f);
    return r ? bigIntToIp(r.base + 1n, f) : undefined;
  }

  /** Reserves a requested IP; returns a problem text when it cannot. */
  reserveIp(ip: string): string | undefined {
    const c = canonicalIp(ip);
    if (!c) return 'must be a valid IP address';
    const r = this.ranges.find((x) => cidrContains(x, c));
    if (!r)
      return `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.opts.serviceCidrs.join(',')}`;
    if (this.usedIps.has(c)) return `failed to allocate IP ${ip}: provided IP is already allocated`;
    this.usedIps.add(c);
    return undefined;
  }

  allocateIp(f: Family): string | undefined {
    const r = this.range(f);
    if (!r) return undefined;
    let next = this.nextIp.get(f) ?? r.base + 2n;
    for (let tries = 0n; tries < r.size; tries++) {
      if (next >= r.base + r.size - 1n) next = r.base + 2n;
      const ip = bigIntToIp(next, f);
      next++;
      if (!this.usedIps.has(ip)) {
        this.usedIps.add(ip);
        this.nextIp.set(f, next);
        return ip;
      }
    }
    return undefined;
  }

  releaseIp(ip: string): void {
    const c = canonicalIp(ip);
    if (c) this.usedIps.delete(c);
  }

  portInRange(p: number): boolean {
    return p >= this.opts.nodePortRange[0] && p <= this.opts.nodePortRange[1];
  }

  reservePort(p: number): string | undefined {
    if (!this.portInRange(p))
      return `provided port is not in the valid range. The range of valid ports is ${this.opts.nodePortRange[0]}-${this.opts.nodePortRange[1]}`;
    if (this.usedPorts.has(p)) return 'provided port is already allocated';
    this.usedPorts.add(p);
    return undefined;
  }

  allocatePort(): number | undefined {
    const [lo, hi] = this.opts.nodePortRange;
    for (let i = 0; i <= hi - lo; i++) {
      const p = this.nextPort;
      this.nextPort = p >= hi ? lo : p + 1;
      if (!this.usedPorts.has(p)) {
        this.usedPorts.add(p);
        return p;
      }
    }
    return undefined;
  }

  releasePort(p: number): void {
    this.usedPorts.delete(p);
  }

  isIpUsed(ip: string): boolean {
    return this.usedIps.has(canonicalIp(ip) ?? ip);
  }

  ipValue(ip: string): bigint {
    return ipToBigInt(ip);
  }
}
