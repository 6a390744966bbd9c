// The configuration in effect, rebuilt from the custom resources as they change: the
// allocator's pools, and for every object its `Valid` condition and the problems to report.
// Keeps the previous configuration, so an object that turns invalid keeps its last valid
// version in effect (`@ironlb/config` decides). Pure.
import { buildConfig, toIpamPools } from '@ironlb/config';
import type { BuildResult, ConfigObjects, EffectiveConfig, ObjectStatus, Problem } from '@ironlb/config';
import type { Pool } from '@ironlb/ipam';
import type { ConditionInput, EventInput } from '@ironlb/kube';
import { VALID } from './api-names.js';

export interface ConfigUpdate {
  readonly pools: readonly Pool[];
  /** Whether the allocator's pools differ from the previous rebuild. */
  readonly poolsChanged: boolean;
  readonly result: BuildResult;
}

export class ConfigState {
  #previous: EffectiveConfig | undefined;
  #poolsText: string | undefined;

  rebuild(objects: ConfigObjects): ConfigUpdate {
    const result = buildConfig(this.#previous, objects);
    this.#previous = result.config;
    const pools = toIpamPools(result.config);
    const text = JSON.stringify(pools);
    const poolsChanged = text !== this.#poolsText;
    this.#poolsText = text;
    return { pools, poolsChanged, result };
  }
}

function describe(p: Problem): string {
  return p.field === '' || p.message.startsWith(p.field) ? p.message : `${p.field}: ${p.message}`;
}

/** The `Valid` condition of one object. */
export function validCondition(status: ObjectStatus): ConditionInput {
  const errors = status.problems.filter((p) => p.severity === 'error');
  const warnings = status.problems.filter((p) => p.severity === 'warning');
  const generation = status.generation !== undefined ? { observedGeneration: status.generation } : {};
  if (status.verdict === 'valid') {
    return {
      type: VALID,
      status: 'True',
      reason: warnings[0]?.reason ?? 'valid',
      message:
        warnings.length > 0 ? `in effect, with warnings: ${warnings.map(describe).join('; ')}` : 'in effect',
      ...generation,
    };
  }
  const problems = errors.length > 0 ? errors : status.problems;
  const what =
    status.verdict === 'previousVersion'
      ? `the last valid version${status.effectiveGeneration !== undefined ? ` (generation ${status.effectiveGeneration})` : ''} stays in effect`
      : 'not in effect';
  return {
    type: VALID,
    status: 'False',
    reason: problems[0]?.reason ?? 'invalid',
    message: `${problems.map(describe).join('; ')}; ${what}`,
    ...generation,
  };
}

/** One Warning Event per problem (errors and warnings), the message naming the field. */
export function problemEvents(status: ObjectStatus): EventInput[] {
  return status.problems.map((p) => ({
    type: 'Warning',
    reason: p.reason,
    message: `${describe(p)}${p.severity === 'error' ? (status.verdict === 'previousVersion' ? ' (the last valid version stays in effect)' : ' (not in effect)') : ''}`,
    action: 'Validate',
  }));
}
