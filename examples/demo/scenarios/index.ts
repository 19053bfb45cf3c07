/**
 * Runs the scenarios one after another (the check-in is scheduled first and
 * fires while the others run), each to its own deadline: one that fails is
 * reported and the next one runs.
 *
 * @module
 */
import { approvePrompt } from './approval.js';
import { scheduleCheckIn } from './check-in.js';
import type { ScenarioContext, ScenarioResult } from './context.js';
import { recoverCrash } from './crash.js';
import { deliverMessages } from './deliver.js';

/**
 * Every scenario's result, in order.
 *
 * @throws the signal's reason once it is aborted (Ctrl-C); nothing else.
 */
export async function runScenarios(context: ScenarioContext): Promise<ScenarioResult[]> {
  const { signal } = context;
  // Waits still pending when the scenarios are over (a failure that never came) end with them.
  const scope = new AbortController();
  const scoped: ScenarioContext = { ...context, signal: AbortSignal.any([signal, scope.signal]) };
  try {
    return await runAll(scoped, signal);
  } finally {
    scope.abort(new Error('the scenarios are over'));
  }
}

/** The scenarios in order; `interrupt` is Ctrl-C (which ends them all), as opposed to a scenario's own deadline. */
async function runAll(context: ScenarioContext, interrupt: AbortSignal): Promise<ScenarioResult[]> {
  const { state } = context;
  const results: ScenarioResult[] = [];
  const attempt = async (name: string, work: () => Promise<string>): Promise<void> => {
    state.setPhase(name);
    try {
      const detail = await work();
      results.push({ name, ok: true, detail });
      state.log('passed', `${name}: ${detail}`);
    } catch (error) {
      if (interrupt.aborted) throw interrupt.reason;
      const detail = error instanceof Error ? error.message : String(error);
      results.push({ name, ok: false, detail });
      state.log('failed', `${name}: ${detail}`);
    }
  };
  const checkIn = scheduleCheckIn(context).then(({ done }) => done);
  checkIn.catch(() => undefined);
  await attempt('delivery', () => deliverMessages(context));
  await attempt('approval', () => approvePrompt(context));
  await attempt('crash recovery', () => recoverCrash(context));
  await attempt('scheduled check-in', () => checkIn);
  return results;
}
