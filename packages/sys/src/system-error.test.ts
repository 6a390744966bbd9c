import { describe, expect, it } from 'vitest';
import { IronLbError } from '@ironlb/wire';
import { check, SystemError } from './system-error.js';

describe('SystemError', () => {
  it('looks like a Node system error', () => {
    const err = new SystemError(-1, 'socket', { ifname: 'eth0' });
    expect(err).toBeInstanceOf(IronLbError);
    expect(err).toMatchObject({ code: 'EPERM', errno: -1, syscall: 'socket', ifname: 'eth0' });
    expect(err.message).toBe('socket EPERM eth0');
  });

  it('accepts a positive errno and keeps Node’s negative convention', () => {
    expect(new SystemError(19, 'bind')).toMatchObject({ code: 'ENODEV', errno: -19 });
  });

  it('puts address:port in the message and context on the error', () => {
    const err = new SystemError(-111, 'connect', { address: '192.0.2.1', port: 179 });
    expect(err.message).toBe('connect ECONNREFUSED 192.0.2.1:179');
    expect(err).toMatchObject({ address: '192.0.2.1', port: 179 });
  });

  it('does not let context overwrite code or errno', () => {
    const err = new SystemError(-1, 'x', { code: 'nope', errno: 5 });
    expect(err).toMatchObject({ code: 'EPERM', errno: -1 });
  });

  it('check() passes non-negative results and throws negative ones', () => {
    expect(check(3, 'recv')).toBe(3);
    expect(() => check(-11, 'recv')).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'recv' }));
  });
});
