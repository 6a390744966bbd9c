// Where a lab keeps things and what its parts are called. One lab per name; the default name
// is `lab` (`npm run lab`), and IRONLB_LAB_NAME or --name picks another (tests use their own).
//
//   <repo>/.lab/<name>/            the lab directory (kept across `up` after a crash)
//     kubeconfig                   admin kubeconfig for kubectl (what `up` prints)
//     controller.kubeconfig        ServiceAccount ironlb-controller token
//     speaker.kubeconfig           ServiceAccount ironlb-speaker token
//     api/                         the emulator's data directory (objects, tokens, TLS)
//     logs/                        one log file per process (emulator, controllers, speakers, ...)
//     lab.json                     what `up` started (LabRecord)
//   network namespaces             ilb-<name>-{sw,router,node1,node2,node3,client}
//   netlab state file              /run/ironlb-netlab/ilb-<name>.json (processes, namespaces)
import { join } from 'node:path';
import { LabError, LabErrorCode } from './lab-error.js';

export const DEFAULT_LAB_NAME = 'lab';

/** The repository root, from this file's place (src/ or dist/ of packages/lab). */
export const defaultRepoRoot = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');

export interface LabLayout {
  readonly name: string;
  /** The netlab lab name (namespace prefix). */
  readonly netlabName: string;
  readonly repoRoot: string;
  readonly dir: string;
  readonly kubeconfig: string;
  readonly controllerKubeconfig: string;
  readonly speakerKubeconfig: string;
  readonly apiDataDir: string;
  readonly logDir: string;
  readonly recordFile: string;
  /** The unix socket the API relay listens on (reachable from every namespace). */
  readonly apiSocket: string;
  /** The rendered install manifest whose CRDs and RBAC the lab applies. */
  readonly manifest: string;
}

/** Lab names: short, so that namespace names stay readable (`ilb-lab-node1`). */
export function assertLabName(name: string): void {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name))
    throw new LabError(
      LabErrorCode.invalidArgument,
      `lab name "${name}": use 1-12 lower-case letters and digits, starting with a letter`,
    );
}

export function labLayout(options: { name?: string; repoRoot?: string } = {}): LabLayout {
  const name = options.name ?? DEFAULT_LAB_NAME;
  assertLabName(name);
  const repoRoot = options.repoRoot ?? defaultRepoRoot;
  const dir = join(repoRoot, '.lab', name);
  return {
    name,
    netlabName: `ilb-${name}`,
    repoRoot,
    dir,
    kubeconfig: join(dir, 'kubeconfig'),
    controllerKubeconfig: join(dir, 'controller.kubeconfig'),
    speakerKubeconfig: join(dir, 'speaker.kubeconfig'),
    apiDataDir: join(dir, 'api'),
    logDir: join(dir, 'logs'),
    recordFile: join(dir, 'lab.json'),
    apiSocket: join(dir, 'api.sock'),
    manifest: join(repoRoot, 'config', 'manifests', 'ironlb.yaml'),
  };
}
