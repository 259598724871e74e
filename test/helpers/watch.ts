/** An in-process watcher over a temp CODEX_HOME, writing to a local store in a temp state dir. */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/cli/log.js';
import { Delivery } from '../../src/pipeline/delivery.js';
import { TracerSet } from '../../src/pipeline/tracers.js';
import { startWatch, type WatchHandle } from '../../src/pipeline/watch.js';
import { LocalSink } from '../../src/sinks/local.js';
import { TraceStore } from '../../src/store/index.js';
import { DEFAULT_CONTENT } from '../../src/content/options.js';
import { makeContentFilter } from '../../src/content/redact.js';
import { cli, storeSpans } from './cli.js';
import { DAY_DIR, fixturePath, makeCodexHome, rolloutName, splitAtResume, threadIdOf, type HomeFile } from './fixtures.js';
import { testDir } from './temp.js';
import { sleep } from './wait.js';

export interface TestWatch {
  handle: WatchHandle;
  set: TracerSet;
  stop(): Promise<void>;
}

export async function startTestWatch(codexHome: string, stateDir: string, idleMs = 30 * 60_000): Promise<TestWatch> {
  const store = TraceStore.open({ stateDir });
  const sink = new LocalSink({ store });
  const delivery = new Delivery([sink], sink.cursors);
  const log = createLogger(process.stderr, { level: 'error', format: 'text' });
  const set = new TracerSet({ delivery, reducer: { content: makeContentFilter(DEFAULT_CONTENT), llmInput: 'new' }, log, batchBytes: 1024 * 1024 });
  const handle = await startWatch(set, { codexHome, idleMs, tickMs: 100 });
  await handle.ready;
  let stopped = false;
  return {
    handle,
    set,
    async stop() {
      if (stopped) return;
      stopped = true;
      await handle.stop();
      await delivery.close();
      store.close();
    },
  };
}

/** Polls the store until it holds every expected span (and no other span of those traces), or times out. */
export async function waitForSpans(stateDir: string, expected: string[], timeoutMs = 10_000): Promise<string[]> {
  const traces = new Set(expected.map((s) => (JSON.parse(s) as { traceId: string }).traceId));
  const deadline = Date.now() + timeoutMs;
  let got: string[];
  for (;;) {
    got = storeSpans(stateDir).filter((s) => traces.has((JSON.parse(s) as { traceId: string }).traceId));
    if (JSON.stringify(got) === JSON.stringify(expected) || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Appends a rollout line by line, the middle line in two writes with a pause between (a partial line for a while). */
export async function writeLineByLine(path: string, text: string, pauseMs = 400): Promise<void> {
  const lines = text.split(/(?<=\n)/);
  const mid = Math.floor(lines.length / 2);
  for (const [i, line] of lines.entries()) {
    if (i === mid) {
      appendFileSync(path, line.slice(0, 20));
      await sleep(pauseMs); // the watcher sees (and must not consume) the partial line
      appendFileSync(path, line.slice(20));
    } else {
      appendFileSync(path, line);
    }
    if (i % 5 === 0) await sleep(10);
  }
}

/**
 * A home of fixtures plus the first run of a resumed session, backfilled (idle 1 s) into a
 * fresh state dir; `resume` is what a later `codex resume` appends to `path`.
 */
export async function backfilledHome(): Promise<{ home: string; files: HomeFile[]; state: string; path: string; resume: string }> {
  const { home, files } = makeCodexHome(['0.169.0']);
  const text = readFileSync(fixturePath('0.169.0', 'f-resume.jsonl'), 'utf8');
  const [firstRun, resume] = splitAtResume(text);
  const path = join(home, DAY_DIR, rolloutName(threadIdOf(text), '2026-11-25T23-59-59'));
  writeFileSync(path, firstRun);
  const state = testDir('ct-state-');
  const r = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--idle', '1s']);
  if (r.code !== 0) throw new Error(`backfill failed (${r.code}): ${r.stderr}`);
  return { home, files, state, path, resume };
}
