// Test helpers of @ironlb/bgp: builders, fakes and the manual clock.
export { prefix, prefixText, ipBytes, ipv4Number } from './prefixes.js';
