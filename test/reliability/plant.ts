/**
 * Plants the secret corpus into a real rollout: every prompt, answer, tool argument
 * and tool output of the file gets the whole corpus appended, so each secret format
 * appears in each place a sink could show.
 */
import { PLANTED } from '../redact/corpus.js';

/** String fields that carry content; ids, types and paths are left alone. */
const CONTENT_KEYS = new Set(['text', 'input', 'output', 'aggregated_output', 'stdout', 'stderr', 'last_agent_message', 'message', 'command', 'cmd']);

export const BLOB = PLANTED.map((p) => p.text).join('\n');
export const SECRETS: string[] = [...new Set(PLANTED.flatMap((p) => p.secrets))];

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function plantAll(v: Json, blob: string): Json {
  if (typeof v === 'string') return `${v}\n${blob}`;
  if (Array.isArray(v)) return v.map((x) => plantAll(x, blob));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plantAll(x, blob)]));
  return v;
}

function plant(v: Json, blob: string, key = ''): Json {
  if (typeof v === 'string') {
    if (key === 'arguments') {
      try {
        return JSON.stringify(plantAll(JSON.parse(v) as Json, blob));
      } catch {
        return `${v}\n${blob}`;
      }
    }
    return CONTENT_KEYS.has(key) ? `${v}\n${blob}` : v;
  }
  if (Array.isArray(v)) return key === 'command' ? [...v.map((x) => plant(x, blob)), blob] : v.map((x) => plant(x, blob, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plant(x, blob, k)]));
  return v;
}

/** The rollout with `blob` in every content field of its response items and events. */
export function plantSecrets(rollout: string, blob: string = BLOB): string {
  return rollout
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      const rec = JSON.parse(line) as { type?: string; payload?: Json };
      if (rec.type !== 'response_item' && rec.type !== 'event_msg') return line;
      return JSON.stringify({ ...rec, payload: plant(rec.payload ?? null, blob) });
    })
    .join('\n');
}

/** The planted secrets found in `bytes` (none, when redaction works). */
export function leaks(bytes: Buffer | string, secrets: readonly string[] = SECRETS): string[] {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return secrets.filter((s) => buf.includes(s) || buf.includes(JSON.stringify(s).slice(1, -1)));
}
