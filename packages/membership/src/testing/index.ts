// Test helpers for @ironlb/membership: a simulated cluster of pure detectors on a lossy
// network with a manual clock, and a seedable random source.
export { SimCluster, type SimNode, type SimOptions } from './sim-cluster.js';
export { seededRandom } from './seeded-random.js';
export { EventHeap } from './event-heap.js';
