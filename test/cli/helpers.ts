// Running the `ironlb` command line from source, and kubectl against an emulator, for the CLI
// integration tests.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '@ironlb/emulator';

export const repoRoot = new URL('../../', import.meta.url).pathname;

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

function run(
  file: string,
  args: readonly string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, timeout: 60_000, maxBuffer: 32 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

/** The argv prefix that runs the CLI from its TypeScript sources. */
export const cliFromSource = [
  process.execPath,
  '--conditions=@ironlb/source',
  '--import',
  'tsx',
  join(repoRoot, 'packages/cli/src/bin.ts'),
];

/** Runs `ironlb <args>` from source. */
export function ironlb(
  args: readonly string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const [node, ...rest] = cliFromSource;
  return run(node as string, [...rest, ...args], options);
}

/** A scratch directory with a kubeconfig for `emu`, kubectl, and a `kubectl-ironlb` plugin. */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'ironlb-cli-test-'));
  readonly kubeconfig: string;

  constructor(emu?: Emulator, kubeconfigYaml?: string) {
    this.kubeconfig = join(this.dir, 'kubeconfig');
    if (emu || kubeconfigYaml) writeFileSync(this.kubeconfig, kubeconfigYaml ?? emu!.kubeconfig());
    // The kubectl plugin: an executable named kubectl-ironlb on PATH that runs the CLI.
    const plugin = join(this.dir, 'bin', 'kubectl-ironlb');
    mkdirSync(join(this.dir, 'bin'));
    // A script named kubectl-ironlb itself (as an installed symlink would be), so that the CLI
    // sees how it was invoked. Extensionless, hence CommonJS: a dynamic import of the source.
    writeFileSync(
      plugin,
      `#!/usr/bin/env -S ${process.execPath} --conditions=@ironlb/source --import tsx\n` +
        `import(${JSON.stringify(new URL('../../packages/cli/src/bin.ts', import.meta.url).href)});\n`,
    );
    chmodSync(plugin, 0o755);
  }

  file(name: string, content: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, content);
    return p;
  }

  /** The real kubectl, with this workspace's kubeconfig and the plugin directory on PATH. */
  kubectl(args: readonly string[], stdin?: string): Promise<RunResult> {
    return run(
      'kubectl',
      ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'cache'), ...args],
      { stdin, env: { ...process.env, PATH: `${join(this.dir, 'bin')}:${process.env['PATH'] ?? ''}` } },
    );
  }

  /** `kubectl ironlb <args>`: the plugin, found by kubectl on PATH. */
  plugin(args: readonly string[], stdin?: string): Promise<RunResult> {
    return run('kubectl', ['ironlb', ...args], {
      stdin,
      env: {
        ...process.env,
        PATH: `${join(this.dir, 'bin')}:${process.env['PATH'] ?? ''}`,
        KUBECONFIG: this.kubeconfig,
      },
    });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
