/**
 * Rollout file names: which files are rollouts, and what their names say
 * (thread id, local date) without reading them.
 *
 * Accepted names:
 *   rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl      (Rust CLI, all versions)
 *   rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl.zst  (compressed thread store)
 *   rollout-YYYY-MM-DD-<uuid>.json                (TS-era single document)
 * The parser is lenient about the middle part (older or odd timestamps); it only
 * needs the `rollout-` prefix and one of the three extensions.
 */

export type RolloutKind = 'jsonl' | 'json' | 'zst';

export interface RolloutName {
  kind: RolloutKind;
  /** Thread uuid from the name, lower-case, when the name carries one. */
  threadId?: string;
  /** Local calendar day `YYYY-MM-DD` from the name, when present. */
  day?: string;
}

const UUID_AT_END = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
const DAY_AT_START = /^(\d{4})-(\d\d)-(\d\d)/;

/** The kind of rollout this base name denotes, or undefined if it is not a rollout. */
export function rolloutKind(base: string): RolloutKind | undefined {
  if (!base.startsWith('rollout-')) return undefined;
  if (base.endsWith('.jsonl')) return 'jsonl';
  if (base.endsWith('.jsonl.zst')) return 'zst';
  if (base.endsWith('.json')) return 'json';
  return undefined;
}

export function isRolloutName(base: string): boolean {
  return rolloutKind(base) !== undefined;
}

const EXT: Record<RolloutKind, string> = { jsonl: '.jsonl', zst: '.jsonl.zst', json: '.json' };

/** Parse a rollout base name; undefined when it is not a rollout file name. */
export function parseRolloutName(base: string): RolloutName | undefined {
  const kind = rolloutKind(base);
  if (!kind) return undefined;
  const stem = base.slice('rollout-'.length, base.length - EXT[kind].length);
  const out: RolloutName = { kind };
  const uuid = UUID_AT_END.exec(stem);
  if (uuid?.[1]) out.threadId = uuid[1].toLowerCase();
  const day = DAY_AT_START.exec(stem);
  if (day) out.day = `${day[1]}-${day[2]}-${day[3]}`;
  return out;
}

/** The plain `.jsonl` sibling name of a `.jsonl.zst` name. */
export function plainSiblingOf(zstBase: string): string {
  return zstBase.slice(0, -'.zst'.length);
}

/** Local calendar day of a Date as `YYYY-MM-DD` (folder and file names use local time). */
export function localDay(d: Date): string {
  const y = String(d.getFullYear()).padStart(4, '0');
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

/**
 * The container of any file given by path (also one not named like a rollout, e.g. a
 * recorded fixture): zstd-compressed JSON lines, a TS-era single JSON document, or JSON lines.
 */
export function containerOf(path: string): RolloutKind {
  if (path.endsWith('.zst')) return 'zst';
  if (path.endsWith('.json')) return 'json';
  return 'jsonl';
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The thread id a file's name gives (rollout name, else any uuid in it, else the name itself). */
export function threadIdOfPath(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return parseRolloutName(base)?.threadId ?? UUID.exec(base)?.[0] ?? `file:${base}`;
}
