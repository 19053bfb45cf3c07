/**
 * How every example runs: its main, then its clean-up, once, whether main
 * succeeded, failed or was interrupted with Ctrl-C (exit 130) or SIGTERM
 * (exit 143). A failure sets exit code 1.
 *
 * @module
 */

/**
 * Runs `main`, then `cleanUp` exactly once; prints `success` when main
 * resolved.
 *
 * @example
 * await runExample(main, async () => { await orc?.close(); await tmux?.kill(); }, 'ok: done');
 */
export async function runExample(main: () => Promise<void>, cleanUp: () => Promise<void>, success?: string): Promise<void> {
  let removing: Promise<void> | undefined;
  const once = (): Promise<void> => (removing ??= cleanUp());
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true;
    void once().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await main();
    if (success !== undefined) console.log(success);
  } catch (error) {
    // After Ctrl-C everything is closed under the running steps: their errors say only that.
    if (!interrupted) console.error(error);
    process.exitCode = 1;
  } finally {
    await once();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Waits for `promise` at most `timeoutMs`.
 *
 * @throws an `Error` naming `description` when the time runs out.
 * @example
 * const event = await within(escalated, 15_000, 'the escalation of worker-1');
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
