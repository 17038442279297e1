#!/usr/bin/env node
// Thin launcher: all logic lives in dist/ (built from src/ by `npm run build`).
import { main, reportError } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Headless runs may leave sockets (DNS, metrics) open: exit once output is flushed.
    if (code !== 0 || !process.stdout.isTTY) setImmediate(() => process.exit(code));
  },
  (err) => {
    process.exit(reportError(err));
  },
);
