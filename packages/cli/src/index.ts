// Public surface of @ironlb/cli.
export {};
