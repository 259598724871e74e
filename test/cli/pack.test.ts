/**
 * The package as npm would install it: `npm pack` holds the bin, dist/ and the sample
 * sessions the README's quick start uses, and the packed bin runs that quick start from a
 * global-style prefix (`<prefix>/bin/codex-tracer` → `<prefix>/lib/node_modules/codex-tracer`).
 * The dependencies are this checkout's installed node_modules: an offline `npm install -g`
 * of the tarball cannot fetch them here (no registry), so they are linked in instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCleanups, testDir } from '../helpers/index.js';
import { assertBuilt, cleanEnv, ROOT } from './proc.js';

let tarball: string;
let listing: string[];
afterAll(runCleanups);

beforeAll(() => {
  assertBuilt();
  const dest = testDir('ct-pack-');
  // the build is this checkout's dist/ (npm run build before the tests): no prepare script here
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dest], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  tarball = join(dest, readdirSync(dest).find((n) => n.endsWith('.tgz')) as string);
  listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((p) => p.replace(/^package\//, ''));
}, 120_000);

describe('npm pack', () => {
  it('holds the bin, the build and the sample sessions; no sources or tests', () => {
    expect(listing).toContain('bin/codex-tracer.js');
    expect(listing).toContain('dist/cli/index.js');
    expect(listing).toContain('package.json');
    expect(listing).toContain('README.md');
    const samples = listing.filter((p) => p.startsWith('fixtures/sample-codex-home/sessions/') && p.endsWith('.jsonl'));
    expect(samples).toHaveLength(readdirSync(join(ROOT, 'fixtures', 'sample-codex-home', 'sessions', '2026', '11', '25')).length);
    expect(listing.filter((p) => /^(src|test|bench)\//.test(p))).toEqual([]);
  });

  it('installed under a prefix, runs the README quick start from PATH', () => {
    const prefix = testDir('ct-prefix-');
    const pkg = join(prefix, 'lib', 'node_modules', 'codex-tracer');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(join(pkg, 'bin', 'codex-tracer.js'), join(prefix, 'bin', 'codex-tracer'));
    const env = cleanEnv(testDir(), { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, XDG_STATE_HOME: testDir('ct-pack-state-') });
    const run = (args: string[]): { status: number | null; stdout: string; stderr: string } =>
      spawnSync('codex-tracer', args, { env, cwd: prefix, encoding: 'utf8' });
    const backfill = run(['backfill', '--codex-home', join(pkg, 'fixtures', 'sample-codex-home')]);
    expect(backfill.status, backfill.stderr).toBe(0);
    expect(backfill.stderr).toMatch(/^files: 9 \(9 read/m);
    const sessions = run(['sessions']);
    expect(sessions.status).toBe(0);
    expect(sessions.stdout.trim().split('\n')).toHaveLength(1 + 8);
    const show = run(['show', '01a213a3-5f3f']);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^trace 01a213a35f3f72c3a83da033ed259373\ninvoke_agent codex /);
    expect(show.stdout).toContain('invoke_agent McClintock');
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
