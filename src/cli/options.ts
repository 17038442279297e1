import { parseArgs } from 'node:util';
import { parseCidr } from '../util/cidr.js';
import { UserError } from '../util/user-error.js';

export interface Options {
  interface: string | null;
  filter: string | null;
  read: string | null;
  demo: boolean;
  nets: string[];
  output: 'tui' | 'text' | 'json';
  interval: number;
  duration: number | null;
  metrics: string | null;
  dns: boolean | undefined;
  services: boolean | undefined;
  bits: boolean | undefined;
  maxRows: number;
  idleSec: number;
  listInterfaces: boolean;
  help: boolean;
  version: boolean;
}

const SPEC = {
  interface: { type: 'string', short: 'i' },
  filter: { type: 'string', short: 'f' },
  read: { type: 'string', short: 'r' },
  demo: { type: 'boolean' },
  net: { type: 'string', multiple: true },
  text: { type: 'boolean' },
  json: { type: 'boolean' },
  interval: { type: 'string' },
  duration: { type: 'string' },
  metrics: { type: 'string' },
  'no-dns': { type: 'boolean', short: 'n' },
  'no-services': { type: 'boolean', short: 'N' },
  bits: { type: 'boolean', short: 'B' },
  'max-rows': { type: 'string' },
  idle: { type: 'string' },
  'list-interfaces': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Parse and validate argv (without node and script). Throws UserError. */
export function parseOptions(argv: string[]): Options {
  let values: ReturnType<typeof parseArgs<{ options: typeof SPEC; allowPositionals: true; strict: true }>>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true }));
  } catch (err) {
    throw new UserError(parseErrorLine(err), 'see wiretop --help');
  }
  if (positionals.length > 0) throw new UserError(`unexpected argument: ${positionals[0]}`, 'see wiretop --help');
  if (values.text && values.json) throw new UserError('--text and --json cannot be combined');
  const sources = [values.read !== undefined, values.demo === true, values.interface !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UserError('choose one of -i, -r and --demo');
  if (values.read !== undefined && values.read === '') throw new UserError('-r needs a file name');
  if (values.interface !== undefined && !/^[A-Za-z0-9_.:@-]{1,64}$/.test(values.interface)) {
    throw new UserError(`not an interface name: ${JSON.stringify(values.interface)}`, 'see wiretop --list-interfaces');
  }
  const nets = values.net ?? [];
  for (const n of nets) if (!parseCidr(n)) throw new UserError(`--net: not an address or CIDR prefix: ${n}`, 'e.g. --net 198.18.0.0/15 or --net fd00::/8');
  return {
    interface: values.interface ?? null,
    filter: values.filter === undefined || values.filter.trim() === '' ? null : values.filter,
    read: values.read ?? null,
    demo: values.demo === true,
    nets,
    output: values.json ? 'json' : values.text ? 'text' : 'tui',
    interval: values.interval === undefined ? 2 : wholeSeconds('--interval', values.interval, 1, 86_400),
    duration: values.duration === undefined ? null : positiveSeconds('--duration', values.duration),
    metrics: values.metrics ?? null,
    dns: values['no-dns'] ? false : undefined,
    services: values['no-services'] ? false : undefined,
    bits: values.bits ? true : undefined,
    maxRows: values['max-rows'] === undefined ? 100_000 : wholeSeconds('--max-rows', values['max-rows'], 100, 10_000_000),
    idleSec: values.idle === undefined ? 300 : wholeSeconds('--idle', values.idle, 5, 86_400 * 7),
    listInterfaces: values['list-interfaces'] === true,
    help: values.help === true,
    version: values.version === true,
  };
}

function wholeSeconds(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new UserError(`${name} needs a whole number, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new UserError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function positiveSeconds(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw new UserError(`${name} needs a positive number of seconds, got "${text}"`);
  return n;
}

function parseErrorLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return `unknown option: ${unknown[1]}`;
  const missing = /Option '([^']+)' argument missing/.exec(msg);
  if (missing) return `option ${missing[1]!.replace(/ <value>$/, '')} needs a value`;
  // "--net --demo": the value looks like another option
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(msg);
  if (ambiguous) return `option ${ambiguous[1]} needs a value (for a value starting with "-", write ${ambiguous[1]!.startsWith('--') ? `${ambiguous[1]}=VALUE` : `${ambiguous[1]}VALUE`})`;
  const unexpected = /Option '([^']+)' does not take an argument/.exec(msg);
  if (unexpected) return `option ${unexpected[1]!.replace(/ <value>$/, '')} takes no value`;
  return msg.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
}
