import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/index.js';
import { retryUntil, RetryTimeoutError } from '../../src/testing/index.js';

describe('retryUntil', () => {
  it('returns the first truthy value, calling the condition until then', async () => {
    const values = [0, '', null, undefined, false, 'found', 'later'];
    let calls = 0;
    expect(await retryUntil(() => values[calls++], { intervalMs: 1 })).toBe('found');
    expect(calls).toBe(6);
  });

  it('awaits async conditions and treats a throw as not yet true', async () => {
    let calls = 0;
    const value = await retryUntil(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`not yet ${calls}`);
        return { calls };
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('throws RetryTimeoutError with the last value after its deadline', async () => {
    let calls = 0;
    const started = performance.now();
    const error = await retryUntil(() => (++calls, 0), { timeoutMs: 100, intervalMs: 5, description: 'the answer' }).catch(
      (caught: unknown) => caught,
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect((error as RetryTimeoutError).code).toBe('ERR_RETRY_TIMEOUT');
    expect((error as RetryTimeoutError).last).toBe(0);
    expect((error as RetryTimeoutError).message).toBe('timed out after 100 ms waiting for the answer');
    expect(calls).toBeGreaterThan(1);
  });

  it('throws RetryTimeoutError with the last error as its cause', async () => {
    let calls = 0;
    const error = await retryUntil(
      () => {
        throw new Error(`failure ${++calls}`);
      },
      { timeoutMs: 50, intervalMs: 5 },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect((error as RetryTimeoutError).last).toEqual(new Error(`failure ${calls}`));
    expect((error as RetryTimeoutError).cause).toBe((error as RetryTimeoutError).last);
  });

  it('gives up on a condition that never settles at the deadline', async () => {
    let calls = 0;
    const error = await retryUntil(
      () => {
        calls++;
        return calls === 1 ? false : new Promise<boolean>(() => undefined);
      },
      { timeoutMs: 100, intervalMs: 1 },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect((error as RetryTimeoutError).last).toBe(false);
    expect(calls).toBe(2);
  });

  it('refuses invalid options', async () => {
    await expect(retryUntil(() => true, { timeoutMs: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(retryUntil(() => true, { intervalMs: -1 })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
