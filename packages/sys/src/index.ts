// Public surface of @ironlb/sys.
export {};
