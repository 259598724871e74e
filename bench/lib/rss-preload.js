/**
 * Preloaded into a measured child (`node --import`): at exit it writes the child's own
 * resource usage (peak RSS, CPU) as JSON to $BENCH_USAGE_FILE. Exact peak, no sampling.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, userUs: u.userCPUTime, systemUs: u.systemCPUTime }));
  });
}
