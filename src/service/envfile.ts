/**
 * The service's environment file: sink settings and keys, mode 0600, read by systemd
 * (`EnvironmentFile=`) or by `watch --env-file` (launchd has no such setting). Every
 * value is written double-quoted with `\`, `"`, `$` and backquote escaped — the subset
 * both readers parse alike; `parseEnvFile` reads it back the way systemd does.
 */
import { ServiceConfigError } from './escape.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variables the service takes from the installing shell: the sinks' settings and keys, our own. */
export const SERVICE_ENV_PREFIXES = ['OTEL_', 'BRAINTRUST_', 'CODEX_TRACER_'] as const;

export function renderEnvFile(vars: Record<string, string>, header: string): string {
  const lines = [`# ${header}`];
  for (const [key, value] of Object.entries(vars).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!KEY.test(key)) throw new ServiceConfigError(`environment variable name ${JSON.stringify(key)} cannot go into an environment file`);
    if (/[\r\n\0]/.test(value)) throw new ServiceConfigError(`${key} holds a line break, which an environment file cannot carry`);
    lines.push(`${key}="${value.replace(/[\\"$`]/g, '\\$&')}"`);
  }
  return `${lines.join('\n')}\n`;
}

function unquoteDouble(body: string): string {
  return body.replace(/\\(.)/g, (all, c: string) => ('\\"$`'.includes(c) ? c : all));
}

/** `KEY=value`, `KEY="value"` or `KEY='value'` lines; `#` and `;` lines are comments. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line
      .slice(0, eq)
      .trim()
      .replace(/^export\s+/, '');
    if (!KEY.test(key)) continue;
    const value = line.slice(eq + 1).trim();
    const double = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
    const single = /^'([^']*)'$/.exec(value);
    out[key] = double ? unquoteDouble(double[1] as string) : single ? (single[1] as string) : value;
  }
  return out;
}
