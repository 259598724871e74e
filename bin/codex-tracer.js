#!/usr/bin/env node
import { main } from '../dist/cli/index.js';

// A reader that went away (`| head`) ends the command quietly: what it wanted, it has.
const quietOnClosedPipe = (err) => {
  if (err && err.code === 'EPIPE') process.exit(0);
  throw err;
};
process.stdout.on('error', quietOnClosedPipe);
process.stderr.on('error', (err) => {
  if (!err || err.code !== 'EPIPE') throw err;
});

/** Exit once stdout and stderr are written: work given up on (a deadline passed) must not hold the process. */
const exitWhenWritten = (code) => {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
};

main(process.argv).then(exitWhenWritten, (err) => {
  if (err && err.code === 'EPIPE') process.exit(0);
  process.stderr.write(`codex-tracer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  exitWhenWritten(1);
});
