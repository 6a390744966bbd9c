// Public surface of @ironlb/wire: bounded byte cursors, the codec interface and decode errors.
export { IronLbError, DecodeError, DecodeFailure, isDecodeError } from './errors.js';
export { Reader } from './reader.js';
export { Writer } from './writer.js';
export { type Codec, encodeWith, decodeWith } from './codec.js';
export { toHex, fromHex, concatBytes, bytesEqual } from './hex.js';
