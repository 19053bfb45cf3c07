/**
 * One run of the demo: a private tmux server, an orchestrator, the fleet,
 * the live view, the scenarios and the closing report; everything started is
 * stopped and removed again, whatever happens.
 *
 * @module
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Orchestrator, runTmuxProcess, type TmuxServerOptions } from '../../src/index.js';
import { createTestServer } from '../../src/testing/index.js';
import { approvePrompts } from './approver.js';
import type { DemoArgs } from './args.js';
import { DEMO_SESSION, scriptedAgentsFor, spawnFleet } from './fleet.js';
import { LiveView } from './live.js';
import { observeOrchestrator } from './observe.js';
import { formatMetrics, formatResults, prometheusExcerpt } from './report.js';
import { runScenarios } from './scenarios/index.js';
import { DemoState } from './state.js';
import { waitForEvent, withDeadline } from './wait.js';

/** Milliseconds between two monitor cycles. */
const MONITOR_INTERVAL_MS = 500;
/** Milliseconds the fleet may take to start and show its prompts. */
const STARTUP_DEADLINE_MS = 30_000;

/**
 * Runs the demo and returns its exit status: 0 when every scenario passed,
 * 1 otherwise.
 *
 * @throws the signal's reason once it is aborted; the setup's errors. Either
 *   way the server and its agents are gone by then.
 */
export async function runDemo(args: DemoArgs, signal: AbortSignal, out: NodeJS.WriteStream): Promise<number> {
  const state = new DemoState('tmux-orchestrator demo', performance.now());
  const view = new LiveView(state, out, out.isTTY === true);
  const tmux = await createTestServer();
  let orc: Orchestrator | undefined;
  const stops: (() => void)[] = [];
  try {
    orc = await Orchestrator.start({
      servers: [tmux.server],
      discover: false,
      // Monitoring starts once the fleet is spawned: tmux 3.3a has crashed here
      // (rarely) while a monitor linked windows during a burst of 50 spawns.
      monitor: { mode: 'events', intervalMs: MONITOR_INTERVAL_MS, start: false },
      scheduler: { store: join(tmux.directory, 'schedule.jsonl') },
    });
    stops.push(observeOrchestrator(orc, state), approvePrompts(orc, state));
    out.write(`tmux-orchestrator demo: ${args.agents} agents on a private tmux server (${tmux.socketPath})\n`);
    // With --attach the view starts once someone watches: the scenarios would be over before they attach.
    if (!args.attach) view.start();

    state.setPhase(`starting ${args.agents} agents`);
    const scripted = scriptedAgentsFor(args.agents).length;
    state.log('scenario', `starting ${scripted} scripted Node fake agents and ${args.agents - scripted} light bash agents`);
    const agents = await withDeadline(spawnFleet(orc, tmux.directory, args.agents), {
      timeoutMs: STARTUP_DEADLINE_MS,
      signal,
      description: `${args.agents} agents to start`,
    });
    orc.health.start();
    state.setPhase('waiting for every agent to show its prompt');
    await waitForEvent(
      orc.health,
      'cycle',
      (report) => report.agents.length === agents.length && report.agents.every((agent) => agent.state === 'idle' || agent.state === 'working'),
      { timeoutMs: STARTUP_DEADLINE_MS, signal, description: 'every agent to be idle or working' },
    );
    state.log('scenario', `${agents.length} agents ready after ${(state.elapsedMs() / 1000).toFixed(1)} s`);
    if (args.attach) {
      await waitForAttach(tmux.server, tmux.socketPath, out, signal);
      view.start();
    }

    const results = await runScenarios({ orc, state, directory: tmux.directory, signal });
    const ok = results.every((result) => result.ok);
    if (args.attach) {
      state.setPhase(`${ok ? 'all scenarios passed' : 'a scenario failed'}; running until Ctrl-C`);
      await sleep(2 ** 31 - 1, undefined, { signal }).catch(() => undefined);
    }
    state.setPhase(ok ? 'all scenarios passed' : 'a scenario failed');
    view.stop();

    await orc.metrics.sample().catch(() => undefined);
    const exposition = await orc.metrics.prometheus();
    out.write(
      [
        '',
        'scenarios:',
        ...formatResults(results),
        '',
        'metrics (orc.metrics.snapshot()):',
        ...formatMetrics(orc.metrics.snapshot()),
        '',
        'a few series of orc.metrics.prometheus():',
        ...prometheusExcerpt(exposition),
        '',
        `${ok ? 'done' : 'FAILED'} in ${(state.elapsedMs() / 1000).toFixed(1)} s; removing the server and its agents`,
        '',
      ].join('\n'),
    );
    return ok ? 0 : 1;
  } finally {
    view.stop();
    for (const stop of stops) stop();
    await orc?.close();
    await tmux.kill();
  }
}

/** Prints how to attach, and waits until a terminal (not a control client) is attached. */
async function waitForAttach(server: TmuxServerOptions, socketPath: string, out: NodeJS.WriteStream, signal: AbortSignal): Promise<void> {
  out.write(`watch the agents from another terminal:\n\n  tmux -S ${socketPath} attach -t ${DEMO_SESSION}\n\nwaiting for you to attach (Ctrl-C to quit)…\n`);
  for (;;) {
    const { stdout } = await runTmuxProcess(server, ['list-clients', '-F', '#{client_control_mode}'], { signal });
    if (stdout.split('\n').includes('0')) return;
    await sleep(500, undefined, { signal });
  }
}
