/** CPU time and memory of a running process, from /proc (Linux). */
import { readFileSync } from 'node:fs';

const TICKS_PER_SEC = 100; // USER_HZ: 100 on every Linux that Node supports

/** utime + stime of pid, in seconds */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
}

/** a `Vm*` line of /proc/pid/status (VmRSS, VmHWM), in MB */
export function vmMb(pid, key) {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
