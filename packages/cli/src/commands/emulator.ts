// `ironlb emulator`: runs the Kubernetes API server emulator until SIGINT/SIGTERM, prints its
// URL on stdout and writes a kubeconfig that kubectl and client-node accept. HTTPS with a
// generated CA by default (kept in --data-dir), so that kubectl sends its bearer token.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { startEmulator } from '@ironlb/emulator';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { createRootLogger } from '../logging.js';

interface EmulatorCommandOptions extends CommonOptions {
  port: number;
  host: string;
  kubeconfigOut?: string;
  dataDir?: string;
  rbac: boolean;
  tls: boolean;
  minorVersion: number;
  adminToken?: string;
}

function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

export function registerEmulatorCommand(program: Command): void {
  const cmd = program
    .command('emulator')
    .description('run a Kubernetes API server emulator (for tests and the lab)')
    .option('--port <n>', 'TCP port, 0 picks a free one', intArg, 0)
    .option('--host <addr>', 'listen address', '127.0.0.1')
    .option('--kubeconfig-out <file>', 'write a kubeconfig for the admin user here')
    .option('--data-dir <dir>', 'keep objects across restarts in this directory')
    .option('--rbac', 'enforce RBAC from the stored Roles and bindings', false)
    .option(
      '--no-tls',
      'serve plain HTTP (kubeconfig with insecure-skip-tls-verify; kubectl then sends no token)',
    )
    .option('--minor-version <n>', 'Kubernetes minor version reported by /version', intArg, 32)
    .option('--admin-token <token>', 'fixed admin bearer token (default: random or persisted)');
  addCommonOptions(cmd);
  cmd.action(async (opts: EmulatorCommandOptions) => {
    const logger = createRootLogger({
      level: opts.logLevel,
      format: opts.logFormat,
      name: 'ironlb-emulator',
    });
    const emu = await startEmulator({
      port: opts.port,
      host: opts.host,
      dataDir: opts.dataDir ? resolve(opts.dataDir) : undefined,
      rbac: opts.rbac,
      tls: opts.tls,
      minorVersion: opts.minorVersion,
      adminToken: opts.adminToken,
      logger: logger.child({ component: 'emulator' }),
      kubeconfigPath: opts.kubeconfigOut ? resolve(opts.kubeconfigOut) : undefined,
    });
    process.stdout.write(`${emu.url}\n`);
    if (emu.kubeconfigPath)
      logger.info({ event: 'kubeconfigWritten', path: emu.kubeconfigPath }, 'kubeconfig written');
    const stop = (signal: string): void => {
      logger.info({ event: 'emulatorStopping', signal }, 'stopping');
      void emu.close().then(() => process.exit(0));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
