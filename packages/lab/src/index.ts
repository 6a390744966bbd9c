// Public surface of @ironlb/lab: IronLB on one Linux machine. An API server emulator, the
// controller (2 replicas) and one speaker per node namespace, run as the built `ironlb`
// processes, a switch, an FRR router and a client namespace (@ironlb/netlab), sample
// configuration and Services; `up`, `status`, `down`, `fail-node`, `heal-node`, `exec`.
export { LabError, LabErrorCode } from './lab-error.js';
export { DEFAULT_LAB_NAME, assertLabName, defaultRepoRoot, labLayout } from './lab-layout.js';
export type { LabLayout } from './lab-layout.js';
export { readLabRecord } from './lab-record.js';
export type { LabNodeRecord, LabRecord, LabRole, RecordedProcess } from './lab-record.js';
export { checkLabPrerequisites } from './preflight.js';
export { createProgress, silentProgress } from './progress.js';
export type { Progress, ProgressOutput, ProgressStep } from './progress.js';
export { labUp } from './lab-up.js';
export type { LabUpOptions } from './lab-up.js';
export { collectLabStatus } from './lab-status.js';
export type { LabNodeStatus, LabServiceStatus, LabStatus } from './lab-status.js';
export { execHosts, execIn, failNode, healNode, labDown, restartSpeakers } from './lab-control.js';
export type { FailureKind, RestartStep } from './lab-control.js';
export { renderLabStatus, renderNextSteps } from './lab-report.js';
export { SAMPLE_NAMESPACE, sampleConfiguration, samplePools, sampleServices } from './sample-config.js';
export { relayScript } from './api-relay.js';
