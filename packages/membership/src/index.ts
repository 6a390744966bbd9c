// Public surface of @ironlb/membership.
export {};
