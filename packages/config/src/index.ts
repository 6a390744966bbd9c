// Public surface of @ironlb/config.
export {};
