// Public surface of @ironlb/emulator.
export {};
