// Public surface of @ironlb/netaddr: IPv4/IPv6 addresses, prefixes and ranges as immutable
// values with bigint arithmetic, strict parsing and canonical (RFC 5952) formatting.
export { type IPFamily, familyBits, familyBytes, familyMax, familyName, isIPFamily } from './family.js';
export { NetaddrError, NetaddrErrorCode, isNetaddrError, type ParseResult } from './errors.js';
export { type ParseAddressOptions } from './parse-address.js';
export { IPAddress } from './address.js';
export { Prefix, networkMask } from './prefix.js';
export { IPRange } from './range.js';
export { parsePoolEntry, tryParsePoolEntry } from './pool-entry.js';
export { mergeRanges, subtractRanges, findOverlap } from './range-set.js';
