/**
 * An agent's evidence as one line of text, for notices and messages.
 *
 * @internal
 */
import type { AgentReport } from '../report.js';

/** The report's evidence joined with `; ` on one line (control characters and runs of spaces become one space). */
export function evidenceText(report: AgentReport): string {
  const text = report.detection.evidence
    .map((item) => item.replace(/[\u0000-\u001f\u007f\s]+/gu, ' ').trim())
    .filter((item) => item !== '')
    .join('; ');
  return text === '' ? 'no evidence' : text;
}
