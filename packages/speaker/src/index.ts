// Public surface of @ironlb/speaker.
export {};
