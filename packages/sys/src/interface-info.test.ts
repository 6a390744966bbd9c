import { describe, expect, it } from 'vitest';
import { InterfaceFlag, interfaceInfo, interfaceNames } from './interface-info.js';

describe('interfaceInfo', () => {
  it('reports the loopback interface', () => {
    const lo = interfaceInfo('lo');
    expect(lo.ifindex).toBe(1);
    expect(lo.flags & InterfaceFlag.loopback).toBeTruthy();
    expect(lo.mac).toEqual(new Uint8Array(6));
    expect(lo.mtu).toBeGreaterThan(0);
    expect(interfaceNames()).toContainEqual({ name: 'lo', ifindex: 1 });
  });

  it('throws ENODEV with the interface name', () => {
    expect(() => interfaceInfo('ilb-nosuch0')).toThrow(
      expect.objectContaining({
        code: 'ENODEV',
        errno: -19,
        syscall: 'if_nametoindex',
        ifname: 'ilb-nosuch0',
      }),
    );
  });
});
