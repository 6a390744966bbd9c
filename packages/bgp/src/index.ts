// Public surface of @ironlb/bgp.
export {};
