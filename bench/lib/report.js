/** The results table (stdout) and bench/results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** one row: { measure, value (number), unit, budget (text), met (true/false/null = reference only), detail } */
export function row(measure, value, unit, budget = '', met = null, detail = undefined) {
  return { measure, value, unit, budget, met, ...(detail !== undefined ? { detail } : {}) };
}

function fmt(v, unit) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** a Markdown table (readable in a terminal and pasteable in the README) */
export function formatTable(rows) {
  const cells = rows.map((r) => [r.measure, fmt(r.value, r.unit), r.budget, r.met === null ? '—' : r.met ? 'yes' : '**NO**']);
  const head = ['measure', 'value', 'budget', 'met?'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export function writeJson(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
