/**
 * The orchestrator of the monitor benchmark's soak, in a process of its own,
 * so that its resident memory is the orchestrator's alone: not the fleet's
 * setup, not the benchmark's bookkeeping, not a TypeScript loader.
 * `bench/monitor.ts` bundles this file with the library (as the build does)
 * and runs it under plain node.
 *
 * Input: one JSON argument, a {@link SoakJob}. Output: JSON lines on stdout,
 * a {@link SoakSample} every `sampleEveryMs`, then one {@link SoakSummary}.
 * The orchestrator runs with its defaults (events monitoring every second,
 * recovery, metrics sampling), apart from an in-memory scheduler store.
 *
 * @module
 */
import { Orchestrator, type TmuxServerOptions } from '../src/index.js';

/** What to watch, and for how long. */
export interface SoakJob {
  readonly servers: readonly TmuxServerOptions[];
  /** The panes to adopt: id, index into `servers`, agent name. */
  readonly panes: readonly { readonly paneId: string; readonly server: number; readonly name: string }[];
  readonly seconds: number;
  readonly sampleEveryMs: number;
}

/** Memory at one moment of the soak. */
export interface SoakSample {
  readonly kind: 'sample';
  /** Seconds since monitoring started. */
  readonly seconds: number;
  readonly rssMb: number;
  readonly heapMb: number;
}

/** The cycles the soak ran. */
export interface SoakSummary {
  readonly kind: 'done';
  readonly durationsMs: readonly number[];
  readonly errors: number;
  /** Resident memory once the agents were adopted, before monitoring started. */
  readonly adoptedRssMb: number;
}

const MB = 1024 * 1024;
const ADOPT_BATCH = 32;

function send(message: SoakSample | SoakSummary): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as SoakJob;
  const orc = await Orchestrator.start({
    servers: [...job.servers],
    startServer: false,
    discover: false,
    monitor: { start: false },
    scheduler: { store: 'memory' },
  });
  try {
    for (let first = 0; first < job.panes.length; first += ADOPT_BATCH) {
      await Promise.all(
        job.panes
          .slice(first, first + ADOPT_BATCH)
          .map(({ paneId, server, name }) => orc.adopt(paneId, { name, kind: 'claude-code', ...(job.servers[server] === undefined ? {} : { server: job.servers[server] }) })),
      );
    }
    const adoptedRssMb = process.memoryUsage().rss / MB;
    const durationsMs: number[] = [];
    let errors = 0;
    orc.health.on('cycle', (report) => {
      durationsMs.push(report.durationMs);
      errors += report.errors;
    });
    const started = performance.now();
    orc.health.start();
    const end = started + job.seconds * 1_000;
    while (performance.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(job.sampleEveryMs, end - performance.now())));
      const memory = process.memoryUsage();
      send({ kind: 'sample', seconds: (performance.now() - started) / 1_000, rssMb: memory.rss / MB, heapMb: memory.heapUsed / MB });
    }
    orc.health.stop();
    send({ kind: 'done', durationsMs, errors, adoptedRssMb });
  } finally {
    await orc.close();
  }
}

await main();
