// `ironlb lab up|down|status|fail-node|heal-node|exec`: IronLB on one Linux machine, without a
// cluster (see packages/lab). `npm run lab` installs what is missing and runs `lab up`.
import { Option, type Command } from 'commander';
import {
  DEFAULT_LAB_NAME,
  checkLabPrerequisites,
  collectLabStatus,
  createProgress,
  execIn,
  failNode,
  healNode,
  labDown,
  labLayout,
  labUp,
  renderLabStatus,
  renderNextSteps,
  restartSpeakers,
  silentProgress,
  type FailureKind,
  type LabLayout,
} from '@ironlb/lab';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { createRootLogger } from '../logging.js';
import { addOutputOption, printReport, type OutputFormat } from '../output.js';

interface LabOptions extends CommonOptions {
  name: string;
}

/** The `ironlb` program the lab starts for the emulator, controller and speakers: this one, built. */
function cliArgv(): string[] {
  const override = process.env['IRONLB_LAB_CLI'];
  if (override) return JSON.parse(override) as string[];
  return [process.execPath, new URL('../../bin/ironlb.js', import.meta.url).pathname];
}

function layoutOf(command: Command): LabLayout {
  const opts = command.optsWithGlobals<LabOptions>();
  return labLayout({ name: opts.name });
}

function loggerOf(command: Command) {
  const opts = command.optsWithGlobals<LabOptions>();
  return createRootLogger({ level: opts.logLevel, format: opts.logFormat, name: 'ironlb-lab' });
}

export function registerLabCommand(program: Command): void {
  const lab = program
    .command('lab')
    .description(
      'IronLB on this machine: an emulated cluster, the controller, speakers in network namespaces, an FRR router and a client (needs root)',
    )
    .addOption(
      new Option(
        '--name <name>',
        'which lab (1-12 lower-case letters and digits); its files are in .lab/<name>/',
      )
        .env('IRONLB_LAB_NAME')
        .default(DEFAULT_LAB_NAME),
    );
  // The lab talks to the user through its progress lines; logs only say what went wrong.
  addCommonOptions(lab, { logLevel: 'warn' });

  lab
    .command('up')
    .description(
      'build the lab and start everything (nothing to do when it already runs; recovers after a crash)',
    )
    .option('-q, --quiet', 'print only the final status', false)
    .option('--nodes <n>', 'number of node namespaces', (v) => Number(v), 3)
    .action(async (opts: { quiet: boolean; nodes: number }, command: Command) => {
      const layout = layoutOf(command);
      await checkLabPrerequisites();
      const progress = opts.quiet ? silentProgress : createProgress(process.stdout);
      if (!opts.quiet) progress.line(`IronLB lab "${layout.name}" (files in ${layout.dir})`);
      const status = await labUp({
        layout,
        cli: cliArgv(),
        progress,
        logger: loggerOf(command),
        nodes: opts.nodes,
      });
      process.stdout.write(`\n${renderLabStatus(status)}\n${renderNextSteps(status)}`);
      if (status.state !== 'up') process.exitCode = 1;
    });

  lab
    .command('down')
    .description('stop every process and remove every namespace the lab started, and its files')
    .option('--keep-data', "keep the API server's objects (the next `up` starts from them)", false)
    .action(async (opts: { keepData: boolean }, command: Command) => {
      const layout = layoutOf(command);
      await checkLabPrerequisites();
      const result = await labDown(layout, { keepData: opts.keepData });
      const removed = result.report?.namespacesRemoved.length ?? 0;
      process.stdout.write(
        removed === 0 && result.processesStopped === 0
          ? `IronLB lab "${layout.name}" was not running; nothing to remove.\n`
          : `IronLB lab "${layout.name}" removed: ${result.processesStopped} processes stopped, ${removed} namespaces deleted${opts.keepData ? `, data kept in ${layout.dir}` : ''}.\n`,
      );
    });

  const status = lab
    .command('status')
    .description(
      'what runs, the nodes, the Services with their addresses and announcing nodes (-o json for scripts)',
    );
  addOutputOption(status).action(async (opts: { output: OutputFormat }, command: Command) => {
    const layout = layoutOf(command);
    const s = await collectLabStatus(layout);
    printReport(opts.output, s, () => renderLabStatus(s));
    if (s.state !== 'up') process.exitCode = 1;
  });

  lab
    .command('fail-node <node>')
    .description(
      'make a node fail, to watch failover: kill its speaker with SIGKILL (default) or cut its link at the switch',
    )
    .addOption(
      new Option('--how <how>', 'speaker: kill -9 the speaker; link: take the cable out')
        .choices(['speaker', 'link'])
        .default('speaker'),
    )
    .action(async (node: string, opts: { how: FailureKind }, command: Command) => {
      await checkLabPrerequisites();
      process.stdout.write(`${await failNode(layoutOf(command), node, opts.how)}\n`);
    });

  lab
    .command('heal-node <node>')
    .description('undo fail-node: link up, speaker started again')
    .action(async (node: string, _opts: unknown, command: Command) => {
      await checkLabPrerequisites();
      process.stdout.write(`${await healNode(layoutOf(command), node)}\n`);
    });

  lab
    .command('restart-speakers')
    .description(
      'rolling restart of the speakers, one node at a time, as a DaemonSet update does (see docs/operations.md, Upgrades)',
    )
    .action(async (_opts: unknown, command: Command) => {
      await checkLabPrerequisites();
      await restartSpeakers(layoutOf(command), {
        onStep: (s) =>
          process.stdout.write(
            `${s.node}: speaker stopped in ${(s.stopMs / 1000).toFixed(1)}s, new one ready in ${(s.readyMs / 1000).toFixed(1)}s\n`,
          ),
      });
    });

  lab
    .command('exec <host> [command...]')
    .description(
      'run a command in a lab namespace (client, router, node1..N, sw), e.g. `exec client -- curl -s http://198.51.100.10/`',
    )
    .action(async (host: string, command: string[], _opts: unknown, cmd: Command) => {
      await checkLabPrerequisites();
      process.exitCode = await execIn(layoutOf(cmd), host, command);
    });
}
