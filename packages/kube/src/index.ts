// Public surface of @ironlb/kube.
export {};
