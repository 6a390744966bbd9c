// Public surface of @ironlb/netlab.
export {};
