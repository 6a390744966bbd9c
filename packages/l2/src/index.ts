// Public surface of @ironlb/l2: layer-2 announcement (gratuitous ARP / unsolicited NA, an
// ARP/NDP responder, probing and conflict detection). The pure core is re-exported whole.
export * from './core/index.js';
