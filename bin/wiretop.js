#!/usr/bin/env node
// Thin launcher: all logic lives in dist/ (built from src/ by `npm run build`).
import { main, reportError } from '../dist/cli.js';

/** Exit once everything written to stdout has reached the pipe or file (a pipe is asynchronous). */
function exitAfterFlush(code) {
  process.exitCode = code;
  const done = () => process.exit(code);
  if (process.stdout.writableLength === 0) return setImmediate(done);
  process.stdout.write('', done);
  process.stdout.once('error', done); // the reader went away: nothing left to flush
}

main(process.argv.slice(2)).then(
  (code) => {
    // Headless runs may leave handles (DNS, metrics sockets) open: exit once output is flushed.
    if (code !== 0 || !process.stdout.isTTY) exitAfterFlush(code);
  },
  (err) => exitAfterFlush(reportError(err)),
);
