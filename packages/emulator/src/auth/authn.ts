// Authentication: bearer tokens mapped to users. The admin token belongs to `system:masters`;
// minted tokens name a user (with groups) or a ServiceAccount
// (`system:serviceaccount:<ns>:<name>` in groups `system:serviceaccounts[:<ns>]`).
import { randomBytes } from 'node:crypto';

export interface UserInfo {
  username: string;
  groups: string[];
}

export const anonymous: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** Who a minted token stands for: a ServiceAccount or a plain user. */
export type Subject =
  { serviceAccount: string; namespace?: string } | { user: string; groups?: string[] } | string;

export function userOf(subject: Subject): UserInfo {
  if (typeof subject === 'string') {
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject);
    return m ? userOf({ serviceAccount: m[2]!, namespace: m[1]! }) : userOf({ user: subject });
  }
  if ('serviceAccount' in subject) {
    let ns = subject.namespace;
    let name = subject.serviceAccount;
    if (!ns && name.includes('/')) [ns, name] = name.split('/') as [string, string];
    ns ??= 'default';
    return {
      username: `system:serviceaccount:${ns}:${name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
    };
  }
  return { username: subject.user, groups: [...(subject.groups ?? []), 'system:authenticated'] };
}

export class TokenAuthenticator {
  private readonly tokens = new Map<string, UserInfo>();
  readonly adminToken: string;

  constructor(adminToken?: string) {
    this.adminToken = adminToken ?? `emu-admin-${randomBytes(12).toString('hex')}`;
    this.tokens.set(this.adminToken, {
      username: 'emulator-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  }

  /** Mints (or returns the existing) token for a subject. */
  tokenFor(subject: Subject): string {
    const user = userOf(subject);
    for (const [t, u] of this.tokens)
      if (u.username === user.username && u.groups.join() === user.groups.join()) return t;
    const token = `emu-${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, user);
    return token;
  }

  /** The user of an `Authorization` header; undefined for an unknown token, anonymous without one. */
  authenticate(header: string | undefined): UserInfo | undefined {
    if (!header) return anonymous;
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!m) return undefined;
    return this.tokens.get(m[1]!.trim());
  }

  isAdmin(user: UserInfo): boolean {
    return user.groups.includes('system:masters');
  }

  export(): [string, UserInfo][] {
    return [...this.tokens.entries()];
  }

  import(entries: [string, UserInfo][]): void {
    for (const [t, u] of entries) this.tokens.set(t, u);
  }
}
