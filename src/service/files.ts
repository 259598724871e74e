/** Writing and removing what `service install` puts on disk: the unit, the 0600 environment file, the install record. */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderEnvFile } from './envfile.js';
import { UNIT_NAME, type ServicePaths, type ServiceSpec } from './spec.js';
import { renderPlist, renderSystemdUnit } from './unit.js';

/** The install record: what was installed, no secrets. */
export interface InstallRecord {
  kind: ServiceSpec['kind'];
  unitPath: string;
  envFile: string;
  logFile: string;
  stateDir: string;
  codexHome: string;
  argv: string[];
  /** names of the variables in the environment file (values stay in the file) */
  envKeys: string[];
  installedAt: string;
}

function writeAtomic(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode); // an existing tmp keeps its old mode otherwise
  renameSync(tmp, path);
}

export function renderUnitFile(spec: ServiceSpec): string {
  return spec.kind === 'systemd' ? renderSystemdUnit(spec) : renderPlist(spec);
}

/** Writes every file; returns whether the unit's text changed (a reinstall with the same settings changes nothing). */
export function writeServiceFiles(spec: ServiceSpec, now: Date): { changed: boolean } {
  // render everything first: a value that cannot be written refuses the install before any file changes
  const unit = renderUnitFile(spec);
  const env = renderEnvFile(spec.env, 'codex-tracer service: sink settings and keys (mode 0600). Written by `codex-tracer service install`.');
  const record: InstallRecord = {
    kind: spec.kind,
    unitPath: spec.unitPath,
    envFile: spec.envFile,
    logFile: spec.logFile,
    stateDir: spec.stateDir,
    codexHome: spec.codexHome,
    argv: spec.argv,
    envKeys: Object.keys(spec.env).sort(),
    installedAt: now.toISOString(),
  };
  const before = existsSync(spec.unitPath) ? readFileSync(spec.unitPath, 'utf8') : undefined;
  const envBefore = existsSync(spec.envFile) ? readFileSync(spec.envFile, 'utf8') : undefined;
  writeAtomic(spec.envFile, env, 0o600);
  writeAtomic(spec.unitPath, unit, 0o644);
  writeAtomic(spec.recordPath, `${JSON.stringify(record, null, 2)}\n`, 0o600);
  return { changed: before !== unit || envBefore !== env };
}

export function readInstallRecord(paths: ServicePaths): InstallRecord | undefined {
  try {
    return JSON.parse(readFileSync(paths.recordPath, 'utf8')) as InstallRecord;
  } catch {
    return undefined;
  }
}

/** The `enable` symlink systemctl makes; removed by hand when no manager could `disable`. */
function wantsLink(paths: ServicePaths): string {
  return join(dirname(paths.unitPath), 'default.target.wants', UNIT_NAME);
}

/** Removes the unit, the environment file and the record (and a dangling enable link); returns what was removed. */
export function removeServiceFiles(paths: ServicePaths): string[] {
  const removed: string[] = [];
  const candidates = [paths.unitPath, paths.envFile, paths.recordPath];
  if (paths.kind === 'systemd') {
    const link = wantsLink(paths);
    try {
      if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === paths.unitPath) candidates.push(link);
    } catch {
      // no link: systemctl disable removed it, or it never was enabled
    }
  }
  for (const p of candidates) {
    if (!existsSync(p) && !isLink(p)) continue;
    rmSync(p, { force: true });
    removed.push(p);
  }
  return removed;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
