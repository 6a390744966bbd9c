// Regular expressions of the CRD schemas. They must mean the same in ECMAScript (our own
// validation, the emulator) and in RE2 (the real API server): no lookaround, no
// backreferences, no lazy quantifiers. They catch typos early, at `kubectl apply`; the exact
// checks (a range whose start is after its end, `::` twice, host bits) happen in validation
// with a precise message.

/** A decimal octet 0-255 without leading zeros. */
const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const ipv4 = `${octet}(\\.${octet}){3}`;
// IPv6 in outline: 2 to 8 colon-separated groups of at most 4 hex digits (one of them may
// be empty, for `::`), optionally ending in a dotted IPv4 address.
const ipv6 = `[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){1,7}(:${ipv4})?`;
const v4Length = '(3[0-2]|[12]?[0-9])';
const v6Length = '(12[0-8]|1[01][0-9]|[1-9]?[0-9])';

function anchored(body: string): string {
  return `^(${body})$`;
}

export const patterns = {
  ipAddress: anchored(`${ipv4}|${ipv6}`),
  ipv4Address: anchored(ipv4),
  /** A pool entry: CIDR, range `first-last` (spaces allowed around the dash) or single address. */
  poolEntry: anchored(
    [`${ipv4}(/${v4Length})?`, `${ipv6}(/${v6Length})?`, `${ipv4} *- *${ipv4}`, `${ipv6} *- *${ipv6}`].join(
      '|',
    ),
  ),
  /** A Go duration as metav1.Duration accepts it (`90s`, `1m30s`, `500ms`). */
  duration: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$',
  /** RFC 1123 DNS subdomain: object names. */
  objectName: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  /** RFC 1123 DNS label: namespace names. */
  dnsLabel: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  /** A label value (may be empty). */
  labelValue: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$',
  /** A label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
  labelKey:
    '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
  /** A Linux interface name (IFNAMSIZ 16: at most 15 bytes, no `/`, `:` or whitespace). */
  interfaceName: '^[^\\s/:]{1,15}$',
  /** A standard community `AS:value`, a well-known name, or MetalLB's `large:G:L1:L2`. */
  community:
    '^([0-9]{1,5}:[0-9]{1,5}|no-export|no-advertise|no-export-subconfed|no-peer|blackhole|graceful-shutdown|accept-own|large:[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10})$',
  /** An RFC 8092 large community `global:local1:local2`. */
  largeCommunity: '^[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10}$',
  /** metav1.Condition type: optional DNS-subdomain prefix, then a CamelCase-ish name. */
  conditionType:
    '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  /** metav1.Condition reason. */
  conditionReason: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
} as const;
