// Test support for @ironlb/l2 and its users: fast-check arbitraries and the golden frames.
export * from './arbitraries.js';
export { goldenFrame, goldenFrames } from './golden-frames.js';
