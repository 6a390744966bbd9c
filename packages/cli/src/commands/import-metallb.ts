// `ironlb import-metallb -f <file|->`: MetalLB configuration in, IronLB configuration out
// (stdout), a report of what could not be converted on stderr.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CliError, CliErrorCode } from '../cli-error.js';
import { parseYamlStream } from '../metallb/metallb-documents.js';
import { importMetalLB } from '../metallb/import-metallb.js';
import { renderImportJson, renderImportReport, renderImportYaml } from '../metallb/render-import.js';

interface ImportOptions {
  filename: string[];
  output: 'yaml' | 'json';
  strict: boolean;
  verbose: boolean;
}

function readInput(name: string): string {
  if (name === '-') {
    if (process.stdin.isTTY)
      throw new CliError(
        CliErrorCode.usage,
        '-f - reads MetalLB YAML from standard input, but it is a terminal: pipe a file in',
      );
    return readFileSync(0, 'utf8');
  }
  return readFileSync(name, 'utf8');
}

export function registerImportMetalLBCommand(program: Command): void {
  program
    .command('import-metallb')
    .description(
      'convert MetalLB configuration (IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer, BFDProfile, ' +
        'Community, AddressPool; metallb.io v1beta1/v1beta2) to IronLB objects on stdout; what cannot be ' +
        'converted is reported on stderr',
    )
    .requiredOption(
      '-f, --filename <file...>',
      'MetalLB YAML or JSON to convert ("-" for standard input), e.g. the output of `kubectl get -n metallb-system ipaddresspools,l2advertisements,bgpadvertisements,bgppeers,bfdprofiles,communities -o yaml`',
    )
    .addOption(
      new Option('-o, --output <format>', 'yaml (a stream) or json (a v1 List)')
        .choices(['yaml', 'json'])
        .default('yaml'),
    )
    .option('--strict', 'exit with status 3 when anything could not be converted', false)
    .option(
      '-v, --verbose',
      'also report notes that change nothing (skipped documents, status objects)',
      false,
    )
    .addHelpText(
      'after',
      '\nExample:\n  kubectl get -n metallb-system ipaddresspools,l2advertisements,bgpadvertisements,bgppeers,bfdprofiles,communities -o yaml \\\n' +
        '    | ironlb import-metallb -f - > ironlb-config.yaml\n',
    )
    .action((opts: ImportOptions) => {
      const documents = opts.filename.flatMap((name) =>
        parseYamlStream(readInput(name), name === '-' ? 'stdin' : name),
      );
      const result = importMetalLB(documents);
      process.stdout.write(opts.output === 'json' ? renderImportJson(result) : renderImportYaml(result));
      process.stderr.write(renderImportReport(result, { verbose: opts.verbose }));
      if (opts.strict && result.findings.some((f) => f.severity === 'unconvertible')) process.exitCode = 3;
    });
}
