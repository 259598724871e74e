import { describe, expect, it } from 'vitest';
import { BatchQueue } from '../../src/sinks/batch-queue.js';
import { DEFAULT_RETRY, backoffDelay, httpError, parseRetryAfter, toSinkError, withRetry } from '../../src/sinks/retry.js';
import { SinkError } from '../../src/sinks/sink.js';

describe('retry rules', () => {
  it('backs off exponentially with bounded jitter', () => {
    const p = { ...DEFAULT_RETRY, initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.2 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p, () => 0.5))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(1, p, () => 0)).toBe(80);
    expect(backoffDelay(1, p, () => 1)).toBe(120);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-10-01T10:00:00Z');
    expect(parseRetryAfter('Wed, 01 Oct 2025 10:00:05 GMT', now)).toBe(5000);
  });

  it('classifies HTTP answers and thrown errors', () => {
    expect(httpError('x', 503, 'busy', '2')).toMatchObject({ transient: true, retryAfterMs: 2000, message: 'x: HTTP 503: busy' });
    expect(httpError('x', 429, '').transient).toBe(true);
    expect(httpError('x', 403, 'forbidden').transient).toBe(false);
    expect(httpError('x', 404, 'no').transient).toBe(false);
    const net = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toSinkError('x', net).transient).toBe(true);
  });

  it('retries transient errors, honours Retry-After, stops on permanent ones', async () => {
    const waits: number[] = [];
    const hooks = { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 };
    const policy = { ...DEFAULT_RETRY, initialDelayMs: 10 };
    let n = 0;
    const result = await withRetry(
      'x',
      async () => {
        n += 1;
        if (n === 1) throw new SinkError('x', 'HTTP 503', true, 1500);
        if (n === 2) throw new Error('socket hang up');
        return 'done';
      },
      policy,
      hooks,
    );
    expect(result).toBe('done');
    expect(waits).toEqual([1500, 20]);

    let calls = 0;
    const permanent = withRetry(
      'x',
      async () => {
        calls += 1;
        throw new SinkError('x', 'HTTP 401', false);
      },
      policy,
      hooks,
    );
    await expect(permanent).rejects.toMatchObject({ transient: false });
    expect(calls).toBe(1);

    const exhausted = withRetry(
      'x',
      async () => {
        throw new SinkError('x', 'down', true);
      },
      { ...policy, maxAttempts: 3 },
      hooks,
    );
    await expect(exhausted).rejects.toMatchObject({ transient: true, message: 'x: down' });
  });

  it('gives up when Retry-After is beyond the time budget', async () => {
    const slept: number[] = [];
    const err = await withRetry(
      'x',
      async () => {
        throw new SinkError('x', 'HTTP 429', true, 600_000);
      },
      DEFAULT_RETRY,
      { sleep: async (ms) => void slept.push(ms) },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryAfterMs: 600_000 });
    expect(slept).toEqual([]);
  });
});

describe('BatchQueue', () => {
  it('groups pushes into requests, keeps order, fails only the pushes in a failed request', async () => {
    const sent: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const q = new BatchQueue<number>({
      maxPerSend: 3,
      maxQueued: 100,
      send: async (items) => {
        sent.push(items);
        if (sent.length === 1) await gate;
        if (items.includes(12)) throw new Error('rejected');
      },
    });
    const a = q.push([1, 2]);
    const b = q.push([10, 11, 12, 13]);
    const c = q.push([20]);
    expect(q.pending).toBe(7);
    release();
    await a;
    await expect(b).rejects.toThrow('rejected');
    await c;
    await q.drain();
    expect(sent).toEqual([[1, 2], [10, 11, 12], [20]]);
    expect(q.pending).toBe(0);
  });

  it('makes push wait while the queue is full', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const q = new BatchQueue<number>({ maxPerSend: 10, maxQueued: 3, send: () => gate });
    const first = q.push([1, 2, 3]);
    let secondQueued = false;
    const second = q.push([4]).then(() => (secondQueued = true));
    await new Promise((r) => setImmediate(r));
    expect(q.pending).toBe(3);
    expect(secondQueued).toBe(false);
    release();
    await Promise.all([first, second]);
    expect(q.pending).toBe(0);
  });
});
