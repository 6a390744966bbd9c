// Public surface of @ironlb/bfd.
export {};
