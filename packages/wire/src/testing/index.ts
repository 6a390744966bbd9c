// Test helpers for codecs: the round-trip harness and structural equality.
export { expectRoundTrip, expectDecodeError, WireAssertionError } from './round-trip.js';
export { firstDifference } from './deep-equal.js';
