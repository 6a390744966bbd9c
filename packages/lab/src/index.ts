// Public surface of @ironlb/lab.
export {};
