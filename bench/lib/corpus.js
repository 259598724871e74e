/** Corpora for the benchmarks: built once by make-corpus.js, cached under bench/.corpus/. */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = join(BENCH, '.corpus');
const MAKE = join(BENCH, 'make-corpus.js');
const GENERATOR = [MAKE, join(BENCH, 'lib', 'real-sessions.js'), join(BENCH, 'lib', 'content-pools.js')];

/**
 * The CODEX_HOME for `{ mb, hugeMb, seed, profile, fileKb, sigma }` (see make-corpus.js),
 * generated unless a complete copy with the same parameters and generator is already
 * cached. Returns its path.
 */
export function ensureCorpus({ mb, hugeMb = 0, seed = 1, profile = 'fixtures', fileKb = 420, sigma = 1 }) {
  const shape = profile === 'fixtures' ? '' : `-${profile}${fileKb}k-s${sigma}`;
  const dir = join(CORPUS_DIR, `mb${mb}-huge${hugeMb}-seed${seed}${shape}`);
  const marker = join(dir, '.complete');
  const stamp = JSON.stringify({ mb, hugeMb, seed, profile, fileKb, sigma, generator: GENERATOR.map((f) => readFileSync(f, 'utf8').length) });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const shapeArgs = profile === 'fixtures' ? [] : ['--profile', profile, '--file-kb', String(fileKb), '--sigma', String(sigma)];
  const out = execFileSync(process.execPath, [MAKE, '--out', dir, '--mb', String(mb), '--huge-mb', String(hugeMb), '--seed', String(seed), ...shapeArgs], {
    encoding: 'utf8',
  });
  process.stderr.write(`  corpus: ${out.trim().replace(/\n/g, '\n  ')}\n`);
  writeFileSync(marker, stamp);
  return dir;
}

/** A scratch directory under bench/.corpus/work (emptied first). */
export function scratch(name) {
  const dir = join(CORPUS_DIR, 'work', name);
  rmSync(dir, { recursive: true, force: true });
  // private, as a state dir must be: codex-tracer puts its store in a sub-directory of a folder others can read
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // whatever the umask
  return dir;
}

/**
 * A writable copy of a corpus or state dir. Links are followed (`dereference`): a corpus folder
 * that is a symlink to another checkout's corpus is copied, not linked, so that a run that writes
 * into its copy (the restart measures grow files) never writes into the corpus itself.
 */
export function copyDir(from, to) {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, dereference: true });
  return to;
}

export function removeScratch() {
  rmSync(join(CORPUS_DIR, 'work'), { recursive: true, force: true });
}

/** bytes of the local store in a state dir: the database and its write-ahead log */
export function storeBytes(stateDir) {
  let n = 0;
  for (const f of ['traces.sqlite', 'traces.sqlite-wal']) {
    if (existsSync(join(stateDir, f))) n += statSync(join(stateDir, f)).size;
  }
  return n;
}
