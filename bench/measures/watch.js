/** Restart, idle cost and growth: `watch` over an already-traced corpus. */
import { appendFileSync } from 'node:fs';
import { rolloutFiles } from '../floor.js';
import { loadTemplates } from '../lib/live.js';
import { cpuSeconds, vmMb } from '../lib/procfs.js';
import { startWatcher } from '../lib/proc.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts watch over the traced corpus, times its catch-up and its going live, then samples its CPU time in
 * 10 s windows over `idleSeconds` of quiet, and its RSS. The median window is the steady
 * idle cost; the mean includes one-off work after catch-up (a major GC gives memory back
 * some 30 s after start). Stops it.
 */
export async function measureRestartAndIdle({ home, stateDir, idleSeconds }) {
  const w = startWatcher(home, stateDir, { live: true });
  try {
    const restart = await w.caughtUp;
    const rssAfterCatchUpMb = vmMb(w.pid, 'VmRSS');
    const windows = [];
    for (let left = idleSeconds; left > 0; left -= 10) {
      const secs = Math.min(10, left);
      const cpu0 = cpuSeconds(w.pid);
      await sleep(secs * 1000);
      windows.push(((cpuSeconds(w.pid) - cpu0) * 60) / secs);
    }
    const sorted = [...windows].sort((a, b) => a - b);
    return {
      restart,
      idleCpuSecPerMin: sorted[Math.floor((sorted.length - 1) / 2)],
      idleCpuWindows: windows,
      idleCpuMeanSecPerMin: windows.reduce((a, b) => a + b, 0) / windows.length,
      idleRssMb: vmMb(w.pid, 'VmRSS'),
      rssAfterCatchUpMb,
      peakRssMb: vmMb(w.pid, 'VmHWM'),
    };
  } finally {
    await w.stop();
  }
}

/** one turn of a real session (task_started .. task_complete), to append as a resume would */
function templateTurn(templates) {
  for (const t of templates) {
    const start = t.lines.findIndex((l) => l.includes('"type":"task_started"'));
    const end = t.lines.findIndex((l, i) => i > start && l.includes('"type":"task_complete"'));
    if (start >= 0 && end > start) return t.lines.slice(start, end + 1);
  }
  throw new Error('no template turn found');
}

/**
 * Appends one real turn to 1% of the corpus's files (every 100th, at least one), then
 * times watch's catch-up and its going live. Returns { grownFiles, appendedBytes, restart }.
 */
export async function measureGrownRestart({ home, stateDir, templateHome }) {
  const turn = `${templateTurn(loadTemplates(templateHome)).join('\n')}\n`;
  const files = (await rolloutFiles(home)).filter((_, i) => i % 100 === 50);
  for (const f of files) appendFileSync(f, turn);
  const w = startWatcher(home, stateDir, { live: true });
  try {
    return { grownFiles: files.length, appendedBytes: files.length * Buffer.byteLength(turn), restart: await w.caughtUp };
  } finally {
    await w.stop();
  }
}
