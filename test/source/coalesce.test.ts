import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../src/source/coalesce.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('createCoalescer', () => {
  it('runs one pass per path at a time, plus one re-run for changes during it', async () => {
    const calls: string[] = [];
    const g = gate();
    const c = createCoalescer(async (path) => {
      calls.push(path);
      if (calls.length === 1) await g.wait;
    });
    c.notify('a');
    c.notify('a');
    c.notify('a');
    c.notify('b');
    expect(calls).toEqual(['a', 'b']); // b does not wait for a
    g.open();
    await c.idle();
    expect(calls).toEqual(['a', 'b', 'a']);
    c.notify('a');
    await c.idle();
    expect(calls).toEqual(['a', 'b', 'a', 'a']);
  });

  it('reports errors and keeps going', async () => {
    const errors: string[] = [];
    let n = 0;
    const c = createCoalescer(
      async () => {
        n++;
        throw new Error(`boom ${n}`);
      },
      { onError: (err, path) => errors.push(`${path}: ${(err as Error).message}`) },
    );
    c.notify('x');
    await c.idle();
    c.notify('x');
    await c.idle();
    expect(errors).toEqual(['x: boom 1', 'x: boom 2']);
  });

  it('bounds how many paths run at once', async () => {
    let active = 0;
    let peak = 0;
    const c = createCoalescer(
      async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      },
      { concurrency: 2 },
    );
    for (const p of ['a', 'b', 'c', 'd', 'e']) c.notify(p);
    await c.idle();
    expect(peak).toBe(2);
  });

  it('idle resolves at once when nothing runs', async () => {
    await createCoalescer(async () => {}).idle();
  });
});
