// Test helpers for @ironlb/membership: a simulated cluster of pure detectors on a lossy
// network with a manual clock, a manual clock and an in-memory UDP network for the node
// layer, and a seedable random source.
export { SimCluster, type SimNode, type SimOptions } from './sim-cluster.js';
export { ManualClock } from './manual-clock.js';
export { MemoryNetwork } from './memory-network.js';
export { seededRandom } from './seeded-random.js';
export { EventHeap } from './event-heap.js';
