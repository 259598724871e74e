/**
 * What `watch` says at info level (the built binary): a session starting, finishing
 * (finalized after --idle) and resuming; a sink going down and coming back; nothing while idle.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_DIR, fixturePath, freePort, rolloutName, runCleanups, splitAtResume, testDir, threadIdOf } from '../helpers/index.js';
import { assertBuilt, BIN, cleanEnv } from './proc.js';

afterAll(runCleanups);

describe('watch logs', () => {
  it('session started / finalized / resumed, sink down / back up, and nothing while idle', async () => {
    assertBuilt();
    const home = testDir('ct-wl-home-');
    const day = join(home, DAY_DIR);
    mkdirSync(day, { recursive: true });
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'watch',
        '--codex-home',
        home,
        '--state-dir',
        testDir(),
        '--idle',
        '1s',
        '--sink',
        'local',
        '--sink',
        'otlp',
        '--otlp-endpoint',
        `http://127.0.0.1:${port}`,
      ],
      { env: cleanEnv(testDir()), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    const waiters: { re: RegExp; resolve: () => void }[] = [];
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      for (const w of waiters.splice(0))
        if (w.re.test(err)) w.resolve();
        else waiters.push(w);
    });
    const seen = (re: RegExp): Promise<void> => (re.test(err) ? Promise.resolve() : new Promise((resolve) => waiters.push({ re, resolve })));
    const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()));
    try {
      await seen(/msg="caught up"/);
      const text = readFileSync(fixturePath('0.169.0', 'f-resume.jsonl'), 'utf8');
      const [firstRun, resume] = splitAtResume(text);
      const id = threadIdOf(text);
      writeFileSync(join(day, rolloutName(id)), firstRun);
      await seen(/level=warn msg="sink down: delivery is failing[^\n]*sink=otlp endpoint="http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(from --otlp-endpoint\)"/);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      await seen(/level=info msg="sink back up" sink=otlp/);
      await seen(new RegExp(`level=info msg="session started" session=${id}`));
      await seen(new RegExp(`level=info msg="session finalized" session=${id}[^\\n]* duration=\\S+ turns=1`));
      appendFileSync(join(day, rolloutName(id)), resume);
      await seen(new RegExp(`level=info msg="session resumed" session=${id}`));
      await seen(new RegExp(`level=info msg="session finalized again" session=${id}[^\\n]* turns=2`));
      const before = err.length;
      await new Promise((r) => setTimeout(r, 2500));
      expect(err.slice(before)).toBe(''); // idle: nothing
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      server.close();
    }
  }, 60_000);
});

describe('backfill warnings', () => {
  it('a quirk repeated in many files is said once, with a count', async () => {
    assertBuilt();
    const home = testDir('ct-quirk-home-');
    const day = join(home, DAY_DIR);
    mkdirSync(day, { recursive: true });
    const text = readFileSync(fixturePath('0.169.0', 'a-text.jsonl'), 'utf8');
    const id = threadIdOf(text);
    for (let i = 0; i < 4; i++) {
      // four sessions, each with a torn line in the middle (as a crash mid-write leaves)
      const other = text.split(id).join(`${id.slice(0, -1)}${i}`);
      const lines = other.split('\n');
      lines.splice(3, 0, '{"timestamp":"2026-11-25T10:00:01.000Z","type":"event_msg","payl');
      writeFileSync(join(day, rolloutName(`${id.slice(0, -1)}${i}`)), lines.join('\n'));
    }
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, 'backfill', '--codex-home', home, '--state-dir', testDir()], {
        env: cleanEnv(testDir()),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      c.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/msg="bad input"/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/msg="bad input: 3 more like the one above" code=bad_line times=4/);
    expect(r.stderr).toMatch(/warnings: 4 \(bad lines 4\)/);
  });
});
