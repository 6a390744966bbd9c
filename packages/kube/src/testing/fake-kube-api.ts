// A KubeApi that records requests and answers through a function the test supplies.
import type { ApiRequest, KubeApi } from '../api-client.js';
import { KubeApiError } from '../errors.js';

export type FakeRoute = (req: ApiRequest) => unknown;

export class FakeKubeApi implements KubeApi {
  readonly requests: ApiRequest[] = [];
  route: FakeRoute;

  constructor(route: FakeRoute = () => ({})) {
    this.route = route;
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    this.requests.push(structuredClone(req));
    return (await this.route(req)) as T;
  }
}

/** Builds the error the API server would answer with. */
export function apiError(statusCode: number, reason: string, req?: ApiRequest): KubeApiError {
  return new KubeApiError({
    statusCode,
    reason,
    message: reason,
    method: req?.method ?? 'GET',
    path: req?.path ?? '',
  });
}
