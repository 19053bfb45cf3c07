/**
 * Demo: about fifty fake agents on a private tmux server, shown live while
 * the orchestrator delivers messages, fires a scheduled check-in, answers an
 * approval prompt and recovers a crashed agent; then metrics.
 *
 *   npm run demo -- [--agents 50] [--attach] [--help]
 *
 * Nothing to configure and no network: the server runs on a socket in a
 * temporary directory, and the agents are the library's fake agents (a few
 * scripted Node ones, light bash ones for the rest). On a terminal the view
 * is redrawn in place; otherwise (CI, `| cat`) events and status lines are
 * printed. It exits with 0 when every scenario passed, 1 when one failed
 * (each has a deadline), 2 for a bad command line and 130 on Ctrl-C (with
 * `--attach`, Ctrl-C after the scenarios is the normal end); the
 * server, its agents and the directory are removed in every case.
 *
 * The parts are in `examples/demo/`: `fleet.ts` (the agents and their
 * scripts), `scenarios/` (what the demo does and checks), `view.ts` (the
 * frame, a pure function), `live.ts` (drawing it), `run.ts` (the run).
 *
 * @module
 */
import { parseDemoArgs, USAGE, UsageError, type DemoArgs } from './demo/args.js';
import { runDemo } from './demo/run.js';
import { DeadlineError } from './demo/wait.js';

/** The whole demo must be over by then (unless `--attach`): a backstop behind each scenario's deadline. */
const DEMO_DEADLINE_MS = 55_000;
/** After cleaning up, the process exits on its own; if a stray handle keeps it alive, it is made to after this. */
const EXIT_GRACE_MS = 3_000;

/** Ctrl-C or a termination request. */
class Interrupted extends Error {
  override readonly name = 'Interrupted';
  /** 128 + the signal's number, as shells report it. */
  readonly exitCode: number;

  constructor(signal: NodeJS.Signals) {
    super(`${signal}: stopped; the server and its agents are removed`);
    this.exitCode = signal === 'SIGTERM' ? 143 : 130;
  }
}

let args: DemoArgs;
try {
  args = parseDemoArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const controller = new AbortController();
const onSignal = (signal: NodeJS.Signals): void => {
  if (!controller.signal.aborted) controller.abort(new Interrupted(signal));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const watchdog = args.attach
  ? undefined
  : setTimeout(() => controller.abort(new DeadlineError({ timeoutMs: DEMO_DEADLINE_MS, description: 'the demo to finish' })), DEMO_DEADLINE_MS);

try {
  process.exitCode = await runDemo(args, controller.signal, process.stdout);
} catch (error) {
  const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
  process.stderr.write(`\n${reason instanceof Error ? reason.message : String(reason)}\n`);
  if (!(reason instanceof Interrupted || reason instanceof DeadlineError)) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  process.exitCode = reason instanceof Interrupted ? reason.exitCode : 1;
} finally {
  clearTimeout(watchdog);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  setTimeout(() => {
    process.stderr.write('demo: something kept the process alive after cleanup; exiting\n');
    process.exit();
  }, EXIT_GRACE_MS).unref();
}
