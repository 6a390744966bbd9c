// Public surface of @ironlb/controller.
export {};
