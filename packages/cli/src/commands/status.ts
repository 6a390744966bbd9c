// `ironlb status`: pools, Services, speakers and problems, from the cluster's API.
import type { Command } from 'commander';
import { connect } from '../cluster/api-connection.js';
import { buildClusterModel } from '../cluster/cluster-model.js';
import { readClusterSnapshot } from '../cluster/cluster-snapshot.js';
import { addKubeconfigOption } from '../common-options.js';
import { addOutputOption, printReport, type OutputFormat } from '../output.js';
import { buildStatusReport } from '../status/status-report.js';
import { renderStatus } from '../status/render-status.js';

export function registerStatusCommand(program: Command): void {
  const cmd = program
    .command('status')
    .description(
      'pools with assigned/available addresses, LoadBalancer Services with their addresses and announcing nodes, speakers, and problems',
    )
    .option('-n, --namespace <ns>', 'only Services of this namespace');
  addKubeconfigOption(cmd);
  addOutputOption(cmd).action(
    async (opts: { kubeconfig?: string; output: OutputFormat; namespace?: string }) => {
      const conn = connect(opts.kubeconfig);
      try {
        const snapshot = await readClusterSnapshot(conn.api, { namespace: opts.namespace });
        const report = buildStatusReport(buildClusterModel(snapshot));
        printReport(opts.output, report, () => renderStatus(report));
      } finally {
        conn.close();
      }
    },
  );
}
