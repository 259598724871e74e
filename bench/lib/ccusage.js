/**
 * ccusage, the reference scanner, installed on first use into bench/.tools (git-ignored).
 * It is not a devDependency: its per-platform binary packages are not all published,
 * which would break `npm ci` on a clean clone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const CCUSAGE_VERSION = '20.0.24';
const TOOLS = join(import.meta.dirname, '..', '.tools');

/** Path of the ccusage binary, installing it if needed; throws with npm's message if that fails. */
export function ccusageBin() {
  const bin = join(TOOLS, 'node_modules', '.bin', 'ccusage');
  if (existsSync(bin)) return bin;
  mkdirSync(TOOLS, { recursive: true });
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', TOOLS, `ccusage@${CCUSAGE_VERSION}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return bin;
}
