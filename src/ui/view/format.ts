/** Number, time and JSON formatting shared by the pages and the exports. Pure. */

export function fmtDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m ${Math.round((ms % 60_000) / 1000)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function fmtTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** `2026-11-25T16:56:34.123Z` -> `2026-11-25 16:56` (UTC) */
export function fmtTime(iso: string | null): string {
  return iso === null ? '—' : iso.slice(0, 16).replace('T', ' ');
}

function decodeNested(v: unknown, depth: number): unknown {
  if (depth > 8) return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return decodeNested(JSON.parse(t), depth + 1);
      } catch {
        return v;
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => decodeNested(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = decodeNested(x, depth + 1);
    return out;
  }
  return v;
}

/**
 * Text that holds JSON (tool arguments, results), pretty-printed with JSON strings inside it
 * decoded too (no double encoding); other text as it is. `json` says which it was.
 */
export function prettyContent(text: string): { text: string; json: boolean } {
  const decoded = decodeNested(text, 0);
  if (typeof decoded === 'string') return { text, json: false };
  return { text: JSON.stringify(decoded, null, 2), json: true };
}

/** At most `max` characters, on one line. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
