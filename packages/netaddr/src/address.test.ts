import { fc, test } from '@fast-check/vitest';
import { Address6 } from 'ip-address';
import { describe, expect, it } from 'vitest';
import { IPAddress } from './address.js';
import { NetaddrErrorCode, type NetaddrError } from './errors.js';

function parseError(text: string): NetaddrError {
  const result = IPAddress.tryParse(text);
  if (result.ok) throw new Error(`expected ${text} to be rejected, got ${result.value.toString()}`);
  return result.error;
}

const v4 = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }).map((v) => IPAddress.fromBigInt(4, v));
const v6 = fc
  .bigInt({ min: 0n, max: (1n << 128n) - 1n })
  .filter((v) => v >> 32n !== 0xffffn)
  .map((v) => IPAddress.fromBigInt(6, v));
// Values with long zero runs, where RFC 5952 compression matters.
const sparseV6 = fc
  .array(fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 0xffff })), {
    minLength: 8,
    maxLength: 8,
  })
  .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n))
  .filter((v) => v >> 32n !== 0xffffn)
  .map((v) => IPAddress.fromBigInt(6, v));

describe('IPAddress.parse accepts', () => {
  it.each([
    ['0.0.0.0', 4, 0n, '0.0.0.0'],
    ['192.0.2.1', 4, 0xc0000201n, '192.0.2.1'],
    ['255.255.255.255', 4, 0xffffffffn, '255.255.255.255'],
    ['10.0.0.10', 4, 0x0a00000an, '10.0.0.10'],
    ['::', 6, 0n, '::'],
    ['::1', 6, 1n, '::1'],
    ['2001:DB8::1', 6, 0x20010db8000000000000000000000001n, '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 6, 0x20010db8000000000000000000000001n, '2001:db8::1'],
    ['fe80::1', 6, 0xfe800000000000000000000000000001n, 'fe80::1'],
    ['64:ff9b::192.0.2.33', 6, 0x0064ff9b0000000000000000c0000221n, '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:7::', 6, 0x00010002000300040005000600070000n, '1:2:3:4:5:6:7:0'],
  ] as const)('%s', (text, family, value, canonical) => {
    const ip = IPAddress.parse(text);
    expect(ip.family).toBe(family);
    expect(ip.value).toBe(value);
    expect(ip.toString()).toBe(canonical);
  });
});

describe('IPAddress.parse rejects with a precise code', () => {
  it.each([
    ['', NetaddrErrorCode.syntax],
    ['192.0.2', NetaddrErrorCode.syntax],
    ['192.0.2.1.5', NetaddrErrorCode.syntax],
    ['192.0.2.256', NetaddrErrorCode.syntax],
    ['192.0.2.-1', NetaddrErrorCode.syntax],
    ['0x7f.0.0.1', NetaddrErrorCode.syntax],
    ['192.0.2.1 ', NetaddrErrorCode.syntax],
    [' ::1', NetaddrErrorCode.syntax],
    ['192.0.2.1/32', NetaddrErrorCode.syntax],
    ['2001:db8::/64', NetaddrErrorCode.syntax],
    ['localhost', NetaddrErrorCode.syntax],
    ['1::2::3', NetaddrErrorCode.syntax],
    ['1:2:3:4:5:6:7:8:9', NetaddrErrorCode.syntax],
    ['12345::', NetaddrErrorCode.syntax],
    ['[::1]', NetaddrErrorCode.syntax],
    ['2001:db8::g', NetaddrErrorCode.syntax],
    ['010.0.0.1', NetaddrErrorCode.leadingZero],
    ['192.0.2.01', NetaddrErrorCode.leadingZero],
    ['192.0.2.00', NetaddrErrorCode.leadingZero],
    ['64:ff9b::192.0.2.033', NetaddrErrorCode.leadingZero],
    ['fe80::1%eth0', NetaddrErrorCode.zone],
    ['fe80::1%25eth0', NetaddrErrorCode.zone],
    ['::ffff:192.0.2.1', NetaddrErrorCode.ipv4Mapped],
    ['::ffff:c000:201', NetaddrErrorCode.ipv4Mapped],
    ['0:0:0:0:0:FFFF:192.0.2.1', NetaddrErrorCode.ipv4Mapped],
    ['::192.0.2.1', NetaddrErrorCode.ipv4Compatible],
  ] as const)('%j -> %s', (text, code) => {
    const error = parseError(text);
    expect(error.code).toBe(code);
    expect(error.input).toBe(text);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('says what to write instead', () => {
    expect(parseError('10.0.010.1').message).toContain('10.0.10.1');
    expect(parseError('::ffff:192.0.2.1').message).toContain('192.0.2.1');
    expect(parseError('fe80::1%eth0').message).toContain('"fe80::1"');
  });

  it('throws NetaddrError from parse, with the same code', () => {
    expect(() => IPAddress.parse('01.2.3.4')).toThrow(
      expect.objectContaining({ code: NetaddrErrorCode.leadingZero }),
    );
  });

  it('accepts IPv4-mapped only when asked', () => {
    const mapped = IPAddress.parse('::ffff:192.0.2.1', { allowIPv4Mapped: true });
    expect(mapped.family).toBe(6);
    expect(mapped.isIPv4Mapped()).toBe(true);
    expect(mapped.toString()).toBe('::ffff:192.0.2.1');
    expect(mapped.unmapIPv4()?.toString()).toBe('192.0.2.1');
    expect(IPAddress.parse('::ffff:c000:201', { allowIPv4Mapped: true }).equals(mapped)).toBe(true);
  });
});

describe('RFC 5952 formatting', () => {
  // Examples of RFC 5952 sections 4.1-4.3 and 5.
  it.each([
    ['2001:0db8::0001', '2001:db8::1'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:DB8::AAAA', '2001:db8::aaaa'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:1:0:0:0:0:0:0', '0:1::'],
  ])('%s -> %s', (text, canonical) => {
    expect(IPAddress.parse(text).toString()).toBe(canonical);
  });

  test.prop([fc.oneof(v6, sparseV6)])('agrees with ip-address correctForm', (ip) => {
    expect(ip.toString()).toBe(Address6.fromBigInt(ip.value).correctForm());
  });
});

describe('values', () => {
  test.prop([fc.oneof(v4, v6, sparseV6)])('parse(toString(x)) equals x', (ip) => {
    expect(IPAddress.parse(ip.toString()).equals(ip)).toBe(true);
  });

  test.prop([fc.oneof(v4, v6)])('fromBytes(toBytes(x)) equals x', (ip) => {
    const bytes = ip.toBytes();
    expect(bytes.length).toBe(ip.family === 4 ? 4 : 16);
    expect(IPAddress.fromBytes(bytes).equals(ip)).toBe(true);
  });

  test.prop([sparseV6])('the fully expanded upper-case spelling parses to the same value', (ip) => {
    const hex = ip.value.toString(16).padStart(32, '0').toUpperCase();
    const expanded = hex.match(/.{4}/g)!.join(':');
    expect(IPAddress.parse(expanded).equals(ip)).toBe(true);
  });

  test.prop([fc.oneof(v4, v6), fc.oneof(v4, v6)])(
    'compare is a total order consistent with equals',
    (a, b) => {
      expect(a.compare(b)).toBe(-b.compare(a) || 0);
      expect(a.compare(b) === 0).toBe(a.equals(b));
    },
  );

  it('orders IPv4 before IPv6', () => {
    expect(IPAddress.parse('255.255.255.255').compare(IPAddress.parse('::'))).toBe(-1);
  });

  it('encodes bytes in network order', () => {
    expect([...IPAddress.parse('192.0.2.1').toBytes()]).toEqual([192, 0, 2, 1]);
    expect(
      IPAddress.fromBytes(new Uint8Array([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1])).toString(),
    ).toBe('2001:db8::1');
    expect(() => IPAddress.fromBytes(new Uint8Array(5))).toThrow(
      expect.objectContaining({ code: NetaddrErrorCode.byteLength }),
    );
  });

  it('adds within the family and refuses to leave it', () => {
    expect(IPAddress.parse('192.0.2.255').add(1n).toString()).toBe('192.0.3.0');
    expect(IPAddress.parse('2001:db8::').add(-1n).toString()).toBe('2001:db7:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(() => IPAddress.parse('255.255.255.255').add(1n)).toThrow(
      expect.objectContaining({ code: NetaddrErrorCode.outOfRange }),
    );
    expect(() => IPAddress.parse('::').add(-1n)).toThrow(
      expect.objectContaining({ code: NetaddrErrorCode.outOfRange }),
    );
    expect(IPAddress.parse('255.255.255.255').next()).toBeUndefined();
    expect(IPAddress.parse('::').previous()).toBeUndefined();
    expect(IPAddress.parse('::').next()?.toString()).toBe('::1');
  });

  it.each([
    ['169.254.1.1', { linkLocal: true, loopback: false, multicast: false }],
    ['fe80::1', { linkLocal: true, loopback: false, multicast: false }],
    ['febf:ffff::1', { linkLocal: true, loopback: false, multicast: false }],
    ['fec0::1', { linkLocal: false, loopback: false, multicast: false }],
    ['127.0.0.1', { linkLocal: false, loopback: true, multicast: false }],
    ['::1', { linkLocal: false, loopback: true, multicast: false }],
    ['224.0.0.1', { linkLocal: false, loopback: false, multicast: true }],
    ['ff02::1', { linkLocal: false, loopback: false, multicast: true }],
    ['192.0.2.1', { linkLocal: false, loopback: false, multicast: false }],
  ])('classifies %s', (text, expected) => {
    const ip = IPAddress.parse(text);
    expect({ linkLocal: ip.isLinkLocal(), loopback: ip.isLoopback(), multicast: ip.isMulticast() }).toEqual(
      expected,
    );
  });

  it('knows the addresses old firmware mishandles', () => {
    expect(IPAddress.parse('192.0.2.0').isBuggyIPv4()).toBe(true);
    expect(IPAddress.parse('192.0.2.255').isBuggyIPv4()).toBe(true);
    expect(IPAddress.parse('192.0.2.1').isBuggyIPv4()).toBe(false);
    expect(IPAddress.parse('2001:db8::ff').isBuggyIPv4()).toBe(false);
  });

  it('serialises to JSON as text', () => {
    expect(JSON.stringify({ ip: IPAddress.parse('2001:db8::1') })).toBe('{"ip":"2001:db8::1"}');
  });
});

// RFC 4291 section 2.2 text forms as a reference grammar (no zones), to check that what the
// parser accepts is exactly the standard's language, whatever `ip-address` does inside.
const hexGroup = /^[0-9a-fA-F]{1,4}$/;
const dottedQuad =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
function isRfc4291Text(text: string): boolean {
  let body = text;
  let groups = 8;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    if (!dottedQuad.test(text.slice(lastColon + 1))) return false;
    body = text.endsWith('::' + text.slice(lastColon + 1))
      ? text.slice(0, lastColon + 1)
      : text.slice(0, lastColon);
    groups = 6;
  }
  const halves = body.split('::');
  const split = (part: string) => (part === '' ? [] : part.split(':'));
  if (halves.length > 2) return false;
  const all = halves.flatMap(split);
  if (!all.every((g) => hexGroup.test(g))) return false;
  return halves.length === 1 ? all.length === groups : all.length <= groups - 1;
}

describe('IPv6 grammar', () => {
  const token = fc.constantFrom('0', '1', 'ab', 'ffff', '12345', '', ':', '::', '1.2.3.4', '01.2.3.4', '.');
  const candidate = fc.array(token, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(':'));
  test.prop([candidate], { numRuns: 2000 })('accepts exactly the RFC 4291 section 2.2 spellings', (text) => {
    fc.pre(text.includes(':'));
    const result = IPAddress.tryParse(text, { allowIPv4Mapped: true });
    const accepted = result.ok || result.error.code === NetaddrErrorCode.ipv4Compatible;
    expect(accepted).toBe(isRfc4291Text(text));
  });
});

describe('IPv4 grammar', () => {
  const part = fc.oneof(
    fc.integer({ min: 0, max: 300 }).map(String),
    fc.constantFrom('', '00', '01', '007', 'a', '1a', '-1'),
  );
  test.prop([fc.array(part, { minLength: 1, maxLength: 6 })])(
    'accepts exactly four canonical decimal octets 0-255',
    (parts) => {
      const text = parts.join('.');
      const canonical =
        parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
      const result = IPAddress.tryParse(text);
      expect(result.ok).toBe(canonical);
      if (result.ok) expect(result.value.toString()).toBe(text);
      else if (
        parts.length === 4 &&
        parts.some((p) => /^0[0-9]+$/.test(p)) &&
        parts.every((p) => /^[0-9]{1,3}$/.test(p)) &&
        parts.every((p) => Number(p) <= 255)
      ) {
        expect(result.error.code).toBe(NetaddrErrorCode.leadingZero);
      }
    },
  );
});
