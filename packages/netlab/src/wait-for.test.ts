import { describe, expect, it } from 'vitest';
import { abortWait, waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    expect(
      await waitFor(() => (++n >= 3 ? { n } : undefined), {
        timeoutMs: 5000,
        intervalMs: 1,
        description: 'n',
      }),
    ).toEqual({
      n: 3,
    });
  });

  it('times out with a stable code, the description and the last error', async () => {
    const error = await waitFor(
      () => {
        throw new Error('not yet ready');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the thing' },
    ).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'ERR_IRONLB_NETLAB_TIMEOUT', description: 'the thing' });
    expect((error as Error).message).toContain('waiting for the thing');
    expect((error as Error).message).toContain('not yet ready');
  });

  it('stops at once on abortWait', async () => {
    const boom = new Error('daemon exited');
    await expect(
      waitFor(
        () => {
          throw abortWait(boom);
        },
        { timeoutMs: 60_000, description: 'x' },
      ),
    ).rejects.toBe(boom);
  });

  it('bounds a predicate that never settles', async () => {
    const started = performance.now();
    await expect(
      waitFor(() => new Promise<boolean>(() => {}), { timeoutMs: 10, intervalMs: 5, description: 'never' }),
    ).rejects.toMatchObject({ code: 'ERR_IRONLB_NETLAB_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
