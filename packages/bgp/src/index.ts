// Public surface of @ironlb/bgp.
export * from './core/constants.js';
export * from './core/errors.js';
export * from './core/codec/prefix.js';
export * from './core/codec/attribute-types.js';
export { attributeCode, attributeSpec } from './core/codec/attributes.js';
export * from './core/codec/capabilities.js';
export * from './core/codec/open.js';
export * from './core/codec/update.js';
export * from './core/codec/notification.js';
export * from './core/codec/route-refresh.js';
export * from './core/codec/message.js';
export * from './core/codec/framer.js';
export { checkHeader, type MessageHeader } from './core/codec/header.js';
