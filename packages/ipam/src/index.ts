// Public surface of @ironlb/ipam.
export {};
