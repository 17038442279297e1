/** The wiretop command: parse options, wire the parts, map failures to exit codes. */
export { main, reportError, version } from './cli/main.js';
