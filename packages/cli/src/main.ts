// The composition root: the only module that reads argv and the environment.
// Each subcommand lives in its own file under commands/ and registers itself here.
import { Command } from 'commander';
import { registerControllerCommand } from './commands/controller.js';
import { registerEmulatorCommand } from './commands/emulator.js';

export function buildProgram(): Command {
  const program = new Command('ironlb')
    .description('IronLB: a bare-metal load balancer for Kubernetes (layer 2 and BGP)')
    .showHelpAfterError()
    .version('0.1.0');
  // subcommands (one line each)
  registerEmulatorCommand(program);
  registerControllerCommand(program);
  return program;
}

export async function run(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
