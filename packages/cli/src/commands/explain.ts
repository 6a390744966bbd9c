// `ironlb explain svc <namespace>/<name>`: why a Service has this address or none, who
// announces it and why that node, and what to fix.
import type { Command } from 'commander';
import { CliError, CliErrorCode } from '../cli-error.js';
import { connect } from '../cluster/api-connection.js';
import { buildClusterModel } from '../cluster/cluster-model.js';
import { readClusterSnapshot } from '../cluster/cluster-snapshot.js';
import { addKubeconfigOption } from '../common-options.js';
import { explainService, findService } from '../explain/explain-service.js';
import { renderExplanation } from '../explain/render-explain.js';
import { addOutputOption, printReport, type OutputFormat } from '../output.js';

export function registerExplainCommand(program: Command): void {
  const cmd = program
    .command('explain <kind> <service>')
    .description(
      'explain svc <namespace>/<name>: why the Service has this address or none (each pool considered), who announces it and why that node (election ranking, eligibility of each node), and what to fix',
    );
  addKubeconfigOption(cmd);
  addOutputOption(cmd).action(
    async (kind: string, ref: string, opts: { kubeconfig?: string; output: OutputFormat }) => {
      if (!['svc', 'service', 'services'].includes(kind))
        throw new CliError(
          CliErrorCode.usage,
          `explain knows Services only: ironlb explain svc <namespace>/<name> (not "${kind}")`,
        );
      const conn = connect(opts.kubeconfig);
      try {
        const model = buildClusterModel(await readClusterSnapshot(conn.api));
        const explanation = explainService(model, findService(model, ref));
        printReport(opts.output, explanation, () => renderExplanation(explanation));
      } finally {
        conn.close();
      }
    },
  );
}
