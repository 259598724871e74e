import { hash } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** one-shot `crypto.hash` (Node ≥ 20.12): the same digest as a Hash object, at half the cost for short ids */
function sha256hex(s: string): string {
  return hash('sha256', s, 'hex');
}

/** 32 hex: the session UUID without dashes; any other id: first 32 hex of sha256. */
export function traceIdFor(sessionId: string): string {
  if (UUID_RE.test(sessionId)) return sessionId.replace(/-/g, '').toLowerCase();
  return sha256hex(sessionId).slice(0, 32);
}

/** 16 hex: first 16 hex of sha256(sessionId + "\x1f" + key). */
export function spanIdFor(sessionId: string, key: string): string {
  return sha256hex(`${sessionId}\x1f${key}`).slice(0, 16);
}

export const spanKey = {
  session: () => 'session',
  turn: (turnId: string) => `turn:${turnId}`,
  model: (turnId: string, responseIdOrSeq: string | number) => `model:${turnId}:${responseIdOrSeq}`,
  tool: (callId: string) => `tool:${callId}`,
  compaction: (turnId: string, n: number) => `compaction:${turnId}:${n}`,
  subagent: (childSessionId: string) => `subagent:${childSessionId}`,
};
