// The behaviour every LeaderElector promises, as a vitest suite to run against each
// implementation (lease-based, always-leader, the fake).
import { describe, expect, it } from 'vitest';
import type { LeaderElector } from '../leader-election/types.js';

export interface ElectorHarness {
  elector: LeaderElector;
  /** Lets the elector do what it does after start() (e.g. advance a manual clock). */
  settle(): Promise<void>;
}

export function describeLeaderElectorContract(
  name: string,
  make: () => ElectorHarness | Promise<ElectorHarness>,
): void {
  describe(`LeaderElector contract: ${name}`, () => {
    it('does not lead before start, and its term signal is aborted', async () => {
      const { elector } = await make();
      expect(elector.isLeader()).toBe(false);
      expect(elector.termSignal().aborted).toBe(true);
      expect(elector.identity).not.toBe('');
    });

    it('leads after start, tells each listener once, and gives a live term signal', async () => {
      const { elector, settle } = await make();
      const seen: boolean[] = [];
      elector.onChange((l) => seen.push(l));
      elector.start();
      await settle();
      expect(elector.isLeader()).toBe(true);
      expect(seen).toEqual([true]);
      expect(elector.termSignal().aborted).toBe(false);
      await elector.stop();
    });

    it('stop() ends the term: listeners hear false, the term signal aborts', async () => {
      const { elector, settle } = await make();
      const seen: boolean[] = [];
      elector.onChange((l) => seen.push(l));
      elector.start();
      await settle();
      const term = elector.termSignal();
      await elector.stop();
      expect(elector.isLeader()).toBe(false);
      expect(term.aborted).toBe(true);
      expect(seen).toEqual([true, false]);
    });

    it('stop() is idempotent and safe before start()', async () => {
      const { elector, settle } = await make();
      await elector.stop();
      elector.start();
      await settle();
      await elector.stop();
      await elector.stop();
      expect(elector.isLeader()).toBe(false);
    });

    it('an unsubscribed listener is not called', async () => {
      const { elector, settle } = await make();
      const seen: boolean[] = [];
      const off = elector.onChange((l) => seen.push(l));
      off();
      elector.start();
      await settle();
      await elector.stop();
      expect(seen).toEqual([]);
    });
  });
}
