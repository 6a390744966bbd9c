// Public surface of @ironlb/cli: the program (for tests that run it in-process) and the pure
// parts of its commands (MetalLB import, status and explain reports).
export { buildProgram, run } from './main.js';
export { CliError, CliErrorCode, describeError } from './cli-error.js';
export { importMetalLB, metallbKinds } from './metallb/import-metallb.js';
export type { ImportResult, IronLBObject } from './metallb/import-metallb.js';
export type { FindingSeverity, ImportFinding } from './metallb/import-finding.js';
export { parseYamlStream } from './metallb/metallb-documents.js';
export { renderImportJson, renderImportReport, renderImportYaml } from './metallb/render-import.js';
