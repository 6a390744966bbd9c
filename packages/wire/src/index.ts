// Public surface of @ironlb/wire.
export {};
