// Public surface of @ironlb/l2.
export {};
