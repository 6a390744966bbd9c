// Public surface of @ironlb/emulator: a Kubernetes API server emulator for tests and the lab.
export { startEmulator } from './start-emulator.js';
export type { Emulator, EmulatorFaults, EmulatorOptions, KubeconfigFor } from './start-emulator.js';
export type { Subject, UserInfo } from './auth/authn.js';
export type { FaultState, WriteFailure } from './faults.js';
export type { EmulatorLogger, RequestRecord } from './http/server-env.js';
export type { KubeConfigOptions } from './kubeconfig.js';
export { kubeconfigYaml } from './kubeconfig.js';
export { EmulatorError, StatusError } from './errors.js';
