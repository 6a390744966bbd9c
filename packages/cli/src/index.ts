// Public surface of @ironlb/cli: the program (for tests that run it in-process) and the pure
// parts of its commands (MetalLB import, status and explain reports).
export { buildProgram, run } from './main.js';
export { CliError, CliErrorCode, describeError } from './cli-error.js';
export { importMetalLB, metallbKinds } from './metallb/import-metallb.js';
export type { ImportResult, IronLBObject } from './metallb/import-metallb.js';
export type { FindingSeverity, ImportFinding } from './metallb/import-finding.js';
export { parseYamlStream } from './metallb/metallb-documents.js';
export { renderImportJson, renderImportReport, renderImportYaml } from './metallb/render-import.js';
export { readClusterSnapshot } from './cluster/cluster-snapshot.js';
export type { ClusterSnapshot } from './cluster/cluster-snapshot.js';
export { buildClusterModel } from './cluster/cluster-model.js';
export type { ClusterModel } from './cluster/cluster-model.js';
export { buildStatusReport } from './status/status-report.js';
export type { PoolReport, ServiceReport, SpeakerReport, StatusReport } from './status/status-report.js';
export { renderStatus } from './status/render-status.js';
export { explainService, findService } from './explain/explain-service.js';
export type { Explanation } from './explain/explain-service.js';
export { renderExplanation } from './explain/render-explain.js';
