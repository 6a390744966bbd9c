// Public surface of @ironlb/netaddr.
export {};
