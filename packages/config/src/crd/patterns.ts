// Regular expressions of the CRD schemas. They must mean the same in ECMAScript (our own
// validation, the emulator) and in RE2 (the real API server): no lookaround, no
// backreferences, no lazy quantifiers. They are also what `kubectl apply` prints when a value
// does not match, so the address patterns are deliberately short and readable: they catch
// stray characters and shapes at apply time, and the exact checks (octets above 255, `::`
// twice, host bits set, a range whose start is after its end) happen in validation, which
// reports them with a precise message on the object's Valid condition.

export const patterns = {
  /** An IPv4 address in dotted decimal, or anything IPv6-like (hex digits, dots, at least one colon). */
  ipAddress: '^(([0-9]{1,3}\\.){3}[0-9]{1,3}|[0-9a-fA-F.]*:[0-9a-fA-F:.]*)$',
  ipv4Address: '^([0-9]{1,3}\\.){3}[0-9]{1,3}$',
  /** A pool entry: CIDR, range `first-last` (spaces allowed around the dash) or single address. */
  poolEntry: '^[0-9a-fA-F.:]+(/[0-9]{1,3})?( *- *[0-9a-fA-F.:]+)?$',
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
