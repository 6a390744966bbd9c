// The composition root: the only module that reads argv and the environment.
// Each subcommand lives in its own file under commands/ and registers itself here.
import { basename } from 'node:path';
import { Command } from 'commander';
import { describeError } from './cli-error.js';
import { registerControllerCommand } from './commands/controller.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerImportMetalLBCommand } from './commands/import-metallb.js';
import { registerLabCommand } from './commands/lab.js';
import { registerSpeakerCommand } from './commands/speaker.js';
import { registerStatusCommand } from './commands/status.js';

/** `kubectl ironlb ...` runs this program as `kubectl-ironlb`: name it the way the user typed it. */
function programName(argv: readonly string[]): string {
  return basename(argv[1] ?? '').startsWith('kubectl-ironlb') ? 'kubectl ironlb' : 'ironlb';
}

export function buildProgram(name = 'ironlb'): Command {
  const program = new Command(name)
    .description('IronLB: a bare-metal load balancer for Kubernetes (layer 2 and BGP)')
    .showHelpAfterError()
    .version('0.1.0');
  // subcommands (one line each)
  registerEmulatorCommand(program);
  registerControllerCommand(program);
  registerImportMetalLBCommand(program);
  registerLabCommand(program);
  registerSpeakerCommand(program);
  registerStatusCommand(program);
  registerExplainCommand(program);
  return program;
}

export async function run(argv: string[]): Promise<void> {
  const name = programName(argv);
  try {
    await buildProgram(name).parseAsync(argv);
  } catch (err) {
    const described = describeError(err);
    process.stderr.write(`${name}: ${described.message}\n`);
    if (process.env['IRONLB_DEBUG'] === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    else if (!described.userMistake)
      process.stderr.write(`${name}: this looks like a bug; IRONLB_DEBUG=1 prints the stack trace\n`);
    process.exitCode = described.exitCode;
  }
}
