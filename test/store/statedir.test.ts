import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStateDir } from '../../src/store/index.js';

describe('resolveStateDir', () => {
  it('prefers the flag, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(resolveStateDir('/x/y', { XDG_STATE_HOME: '/xdg', HOME: '/h' })).toBe('/x/y');
    expect(resolveStateDir('rel', {})).toBe(resolve('rel'));
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: '/xdg', HOME: '/h' })).toBe('/xdg/codex-tracer');
    expect(resolveStateDir(undefined, { HOME: '/h' })).toBe('/h/.local/state/codex-tracer');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: 'relative', HOME: '/h' })).toBe('/h/.local/state/codex-tracer');
    expect(resolveStateDir('', {})).toBe(join(homedir(), '.local', 'state', 'codex-tracer'));
  });
});
