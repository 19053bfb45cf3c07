/**
 * The suite's results as a markdown report: tables of cycle time, CPU and
 * memory per method and fleet size, the seed's cache staleness, and the
 * speed-ups at 100 agents.
 *
 * @module
 */
import { medianOf, type MethodRun, type SizeRun, type SuiteResults } from './results.js';

/** Cycles below this many are called out: the figure rests on few samples. */
export const FULL_CYCLES = 30;

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function methodIds(results: SuiteResults): MethodRun[] {
  const seen = new Map<string, MethodRun>();
  for (const size of results.sizes) for (const method of size.methods) if (!seen.has(method.id)) seen.set(method.id, method);
  return [...seen.values()];
}

function cell(size: SizeRun, id: string, value: (method: MethodRun) => string | undefined): string {
  const method = size.methods.find((candidate) => candidate.id === id);
  if (method === undefined) return '';
  if (method.skipped !== undefined) return 'skipped';
  return value(method) ?? '';
}

function fleetLabel(size: SizeRun): string {
  return `${size.agents} (${size.servers} server${size.servers === 1 ? '' : 's'}, load ${size.loadAverage[0]?.toFixed(2) ?? '?'})`;
}

/** The speed-up of (d) over (a) and (b) at 100 agents, as text, if both ran. */
export function speedups(results: SuiteResults): string[] {
  const poll = medianOf(results, 100, 'd');
  if (poll === undefined) return [];
  return (['a', 'b'] as const).flatMap((id) => {
    const other = medianOf(results, 100, id);
    return other === undefined ? [] : [`(d) is ${(other / poll).toFixed(1)}x faster than (${id}) at 100 agents (median ${ms(other)} ms vs ${ms(poll)} ms).`];
  });
}

/** The report. */
export function renderMarkdown(results: SuiteResults, chartFile: string): string {
  const { machine } = results;
  const methods = methodIds(results);
  const header = ['agents', ...methods.map((method) => `(${method.id}) ${method.label}`)];
  const perMethod = (value: (method: MethodRun) => string | undefined): string[][] =>
    results.sizes.map((size) => [fleetLabel(size), ...methods.map(({ id }) => cell(size, id, value))]);
  const few = results.sizes.flatMap((size) =>
    size.methods.filter((method) => method.summary !== undefined && method.cycles < FULL_CYCLES).map((method) => `(${method.id}) at ${size.agents}: ${method.cycles}`),
  );
  const skipped = [...new Set(results.sizes.flatMap((size) => size.methods.flatMap((method) => (method.skipped ? [`(${method.id}): ${method.skipped}`] : []))))];
  const stale = results.sizes.filter((size) => size.staleness !== undefined);
  const lines = [
    '# Monitoring cycle benchmark',
    '',
    `Run ${results.startedAt}, ${results.durationS.toFixed(0)} s. ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}, ` +
      `tmux ${machine.tmux}, Node ${machine.node}. Load average (1/5/15 min) at start ${machine.loadAverage.join(' / ')}, at end ${results.loadAverageEnd.join(' / ')}.`,
    '',
    `Settings: ${Object.entries(results.settings).map(([key, value]) => `${key} ${JSON.stringify(value)}`).join(', ')}.`,
    '',
    'A cycle reads every agent once: what each method needs to list the agents, and `capture-pane -p -S -50` of each. ' +
      'The agents are light fake agents (Claude Code screens) in one window each, ten windows to a session; a tenth of them print a line every interval.',
    '',
    `![median cycle time per method and fleet size](${chartFile})`,
    '',
    '## Cycle time: median ms [p95] ×cycles',
    '',
    table(header, perMethod((m) => (m.summary ? `${ms(m.summary.median)} [${ms(m.summary.p95)}] ×${m.cycles}` : undefined))),
    '',
    '## tmux server CPU per cycle, ms',
    '',
    table(header, perMethod((m) => (m.serverCpuMsPerCycle === undefined ? undefined : ms(m.serverCpuMsPerCycle)))),
    '',
    '## Orchestrator CPU per cycle, ms (with the processes it started) / its RSS, MB',
    '',
    table(
      header,
      perMethod((m) =>
        m.orchestratorCpuMsPerCycle === undefined ? undefined : `${ms(m.orchestratorCpuMsPerCycle)} / ${m.orchestratorRssMb?.toFixed(0) ?? '?'}`,
      ),
    ),
    '',
    '## Speed-up at 100 agents',
    '',
    ...(speedups(results).length > 0 ? speedups(results) : ['(no 100-agent fleet in this run)']),
  ];
  if (stale.length > 0) {
    lines.push('', "## The seed's warm cache (b)", '');
    for (const size of stale) {
      const s = size.staleness;
      if (s === undefined) continue;
      lines.push(
        `- ${size.agents} agents: ${s.warmCycles} warm cycles in ${(s.durationMs / 1000).toFixed(1)} s, median ${ms(s.warmMedianMs)} ms, ` +
          `serving statuses up to ${(s.maxStatusAgeMs / 1000).toFixed(1)} s old (by design up to 30 s; screens up to 10 s). ` +
          `At the end, ${s.outdatedActive} of ${s.active} active agents were shown an outdated screen, a median ${s.medianLinesBehind} lines of output behind.`,
      );
    }
  }
  lines.push('', '## Notes', '');
  lines.push(
    few.length > 0
      ? `- Fewer than ${FULL_CYCLES} timed cycles (process-per-command methods stop timing once ${JSON.stringify(results.settings['budgetMs'])} ms have passed at a size, after at least ${JSON.stringify(results.settings['minCycles'])} cycles): ${few.join(', ')}.`
      : `- Every method ran at least ${FULL_CYCLES} timed cycles.`,
  );
  for (const reason of skipped) lines.push(`- Skipped ${reason}.`);
  lines.push(
    '- CPU per cycle averages over all cycles run (warm-up and the checked first cycle included). The orchestrator figure counts the tmux and Python processes a method started.',
    '- The machine was shared with other work: read figures with the load averages next to them.',
  );
  return lines.join('\n') + '\n';
}
