// @ironlb/kube/testing: fakes and helpers for other packages' unit tests.
export { ManualClock, flushMicrotasks } from './manual-clock.js';
export { FakeStatusWriter, mergePatch } from './fake-status-writer.js';
export type { RecordedStatusWrite } from './fake-status-writer.js';
export { FakeEventRecorder } from './fake-event-recorder.js';
export type { RecordedEvent } from './fake-event-recorder.js';
export { FakeLeaderElector } from './fake-leader-elector.js';
export { FakeInformer } from './fake-informer.js';
export { FakeKubeApi, apiError } from './fake-kube-api.js';
export type { FakeRoute } from './fake-kube-api.js';
export { MemoryLeaseClient } from './memory-lease-client.js';
export { describeLeaderElectorContract } from './leader-elector-contract.js';
export type { ElectorHarness } from './leader-elector-contract.js';
