// Flags that every long-running command shares, spelled the same everywhere.
import { Option, type Command } from 'commander';
import { logLevels } from './logging.js';

export interface CommonOptions {
  logLevel: string;
  logFormat: 'auto' | 'json' | 'pretty';
}

export function addCommonOptions(command: Command, defaults: { logLevel?: string } = {}): Command {
  return command
    .addOption(
      new Option('--log-level <level>', 'log level').choices(logLevels).default(defaults.logLevel ?? 'info'),
    )
    .addOption(
      new Option('--log-format <format>', 'log format: pretty on a terminal and JSON otherwise by default')
        .choices(['auto', 'json', 'pretty'])
        .default('auto'),
    );
}

/** Reads the kubeconfig flag the same way for every command that talks to the API. */
export function addKubeconfigOption(command: Command): Command {
  return command.option(
    '--kubeconfig <file>',
    'kubeconfig file (default: $KUBECONFIG, then in-cluster service account, then ~/.kube/config)',
  );
}
