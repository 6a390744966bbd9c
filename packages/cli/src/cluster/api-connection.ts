// Connecting the read-only commands (`status`, `explain`) to a cluster, and turning what can go
// wrong into one line that says what to do: no kubeconfig, an API server that does not
// answer, credentials it refuses, IronLB's CRDs not installed.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  HttpKubeApi,
  KubeApiError,
  KubeTransportError,
  loadKubeConfig,
  type ApiRequest,
  type KubeApi,
} from '@ironlb/kube';
import { CliError, CliErrorCode } from '../cli-error.js';

export interface Connection {
  readonly api: KubeApi;
  readonly server: string;
  close(): void;
}

/** Loads the kubeconfig as kubectl would (flag, $KUBECONFIG, in-cluster, ~/.kube/config). */
export function connect(kubeconfig: string | undefined): Connection {
  const file = kubeconfig ?? process.env['KUBECONFIG'];
  if (file && !existsSync(file.split(':')[0] ?? file))
    throw new CliError(CliErrorCode.usage, `kubeconfig ${file} does not exist`);
  const inCluster = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
  if (!file && !inCluster && !existsSync(join(homedir(), '.kube', 'config')))
    throw new CliError(
      CliErrorCode.usage,
      'no kubeconfig: pass --kubeconfig <file> or set KUBECONFIG (for the lab: --kubeconfig .lab/lab/kubeconfig)',
    );
  let kc;
  try {
    kc = loadKubeConfig(kubeconfig);
  } catch (err) {
    throw new CliError(
      CliErrorCode.input,
      `cannot read the kubeconfig: ${(err as Error).message.split('\n')[0]}`,
      {
        cause: err,
      },
    );
  }
  const server = kc.getCurrentCluster()?.server ?? '';
  if (!server)
    throw new CliError(
      CliErrorCode.input,
      'the kubeconfig has no current cluster (kubectl config use-context <name>)',
    );
  const http = new HttpKubeApi(kc, { timeoutMs: 15_000, userAgent: 'ironlb-cli' });
  const api: KubeApi = {
    request: <T>(req: ApiRequest) =>
      http.request<T>(req).catch((err: unknown) => Promise.reject(explainApiError(err, server, req))),
  };
  return { api, server, close: () => http.close() };
}

function explainApiError(err: unknown, server: string, req: ApiRequest): unknown {
  if (err instanceof KubeTransportError)
    return new CliError(
      CliErrorCode.api,
      `cannot reach the Kubernetes API at ${server}: ${err.message.split('\n')[0]} (is the cluster running? for the lab: npm run lab)`,
      { cause: err },
    );
  if (err instanceof KubeApiError) {
    if (err.statusCode === 401)
      return new CliError(
        CliErrorCode.api,
        `the API server at ${server} does not accept the kubeconfig's credentials (401)`,
        {
          cause: err,
        },
      );
    if (err.statusCode === 403)
      return new CliError(
        CliErrorCode.api,
        `the API server refused ${req.method} ${req.path} (403): the kubeconfig's user needs read access to Services, Nodes, EndpointSlices and the ironlb.io resources`,
        { cause: err },
      );
    if (err.statusCode === 404 && req.path.startsWith('/apis/ironlb.io/'))
      return new CliError(
        CliErrorCode.api,
        `IronLB is not installed in the cluster at ${server} (no ironlb.io resources): kubectl apply -k config/default`,
        { cause: err },
      );
  }
  return err;
}
