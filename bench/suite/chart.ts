/**
 * The suite's chart: median cycle time against fleet size, both on log
 * scales, one line per method, as a self-contained SVG.
 *
 * @module
 */
import type { SuiteResults } from './results.js';

const WIDTH = 900;
const HEIGHT = 460;
const MARGIN = { left: 84, right: 310, top: 40, bottom: 50 };
const COLORS: Readonly<Record<string, string>> = { a: '#d62728', b: '#ff7f0e', c: '#9467bd', d: '#2ca02c', e: '#1f77b4' };

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The SVG text of the chart (an empty frame when nothing ran). */
export function renderChart(results: SuiteResults): string {
  const sizes = results.sizes.map((size) => size.agents);
  const medians = results.sizes.flatMap((size) => size.methods.flatMap((method) => (method.summary ? [method.summary.median] : [])));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xMin = Math.log10(Math.min(...sizes, 10));
  const xMax = Math.max(Math.log10(Math.max(...sizes, 10)), xMin + 1);
  const yMin = Math.floor(Math.log10(Math.max(Math.min(...medians, 1), 0.01)));
  const yMax = Math.max(Math.ceil(Math.log10(Math.max(...medians, 10))), yMin + 1);
  const x = (agents: number): number => MARGIN.left + ((Math.log10(agents) - xMin) / (xMax - xMin)) * plotWidth;
  const y = (ms: number): number => MARGIN.top + (1 - (Math.log10(ms) - yMin) / (yMax - yMin)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">Full monitoring cycle: median time per cycle</text>`,
  ];
  for (let decade = yMin; decade <= yMax; decade++) {
    const ms = 10 ** decade;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end">${formatMs(Number(ms.toPrecision(1)))}</text>`,
    );
  }
  for (const agents of sizes) {
    parts.push(
      `<line x1="${x(agents).toFixed(1)}" x2="${x(agents).toFixed(1)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`,
      `<text x="${x(agents).toFixed(1)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${agents}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">agents (log scale)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">ms per cycle (log scale)</text>`,
  );
  const ids = [...new Set(results.sizes.flatMap((size) => size.methods.map((method) => method.id)))];
  ids.forEach((id, row) => {
    const points = results.sizes.flatMap((size) => {
      const median = size.methods.find((method) => method.id === id)?.summary?.median;
      return median === undefined ? [] : [[x(size.agents), y(median)] as const];
    });
    const color = COLORS[id] ?? '#333';
    const label = results.sizes.flatMap((size) => size.methods).find((method) => method.id === id)?.label ?? id;
    if (points.length > 1) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`);
    }
    for (const [px, py] of points) parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${color}"/>`);
    const legendY = MARGIN.top + 12 + row * 20;
    const legendX = MARGIN.left + plotWidth + 14;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="${points.length > 0 ? 2 : 1}"${points.length > 0 ? '' : ' stroke-dasharray="3 3"'}/>`,
      `<text x="${legendX + 24}" y="${legendY + 4}">(${escapeXml(id)}) ${escapeXml(label)}${points.length > 0 ? '' : ' (not run)'}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
