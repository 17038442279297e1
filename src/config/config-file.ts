import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { sanitizeText } from '../util/sanitize.js';
import { UserError } from '../util/user-error.js';
import { jsonErrorOffset, lineColumn } from './json-error-position.js';

/** What the config file may set: defaults for command-line options. */
export interface ConfigDefaults {
  /** capture interface name, or "any" */
  interface: string;
  /** BPF capture filter ("" = none) */
  filter: string;
  /** show rates in bits/s */
  bits: boolean;
  /** initial sort column name (the UI checks it names one of its columns) */
  sort: string;
  /** screen refresh, seconds */
  refresh: number;
  /** reverse DNS */
  dns: boolean;
  /** port → service names */
  services: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

const MAX_FILE_BYTES = 1024 * 1024;

type Check = (v: unknown) => string | null;

const isString = (v: unknown): v is string => typeof v === 'string';
const hasControl = (s: string, allowWhitespace: boolean): boolean =>
  [...s].some((ch) => {
    const cp = ch.codePointAt(0)!;
    if (allowWhitespace && (ch === '\t' || ch === '\n' || ch === '\r')) return false;
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
  });

const boolean: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');

/** Per key: null when the value is acceptable, else what it must be. */
const CHECKS: { readonly [K in keyof ConfigDefaults]: Check } = {
  interface: (v) =>
    isString(v) && /^[^\s/]{1,15}$/.test(v) && !hasControl(v, false)
      ? null
      : 'must be an interface name (1-15 characters, no spaces or "/"), e.g. "eth0" or "any"',
  filter: (v) =>
    isString(v) && v.length <= 4096 && !hasControl(v, true) ? null : 'must be a capture filter string (tcpdump syntax)',
  bits: boolean,
  sort: (v) => (isString(v) && /^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(v) ? null : 'must be a column name, e.g. "total" or "rx"'),
  refresh: (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0.1 && v <= 3600
      ? null
      : 'must be a number of seconds between 0.1 and 3600',
  dns: boolean,
  services: boolean,
};

export const CONFIG_KEYS = Object.keys(CHECKS) as (keyof ConfigDefaults)[];

/** `$XDG_CONFIG_HOME/wiretop/config.json`, else `~/.config/wiretop/config.json`. */
export function configPath(env: Env = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The XDG spec says a relative value is invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'wiretop', 'config.json');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(sanitizeText(v, 40));
  return String(v);
}

/**
 * Read the config file. Missing → {} (no config is normal). Anything else
 * wrong → UserError naming the file and the key or position, one line.
 */
function fileVisible(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(env: Env = process.env): Partial<ConfigDefaults> {
  const path = configPath(env);
  const shown = sanitizeText(path, 200);
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_FILE_BYTES) throw new UserError(`${shown}: too large for a config file (over 1 MiB)`);
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    if (code === 'EACCES' || code === 'EPERM') {
      // A directory on the way we may not search (HOME of another user under setpriv/su): no config of ours.
      if (!fileVisible(path)) return {};
      throw new UserError(`${shown}: cannot read the config file (permission denied)`);
    }
    if (code === 'EISDIR') throw new UserError(`${shown}: is a directory, expected a JSON file`);
    throw new UserError(`${shown}: cannot read the config file (${code ?? (e as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const offset = jsonErrorOffset(text);
    if (offset === null) throw new UserError(`${shown}: invalid JSON`);
    const { line, column } = lineColumn(text, offset);
    const ch = text[offset];
    const what = ch === undefined ? 'end of file' : JSON.stringify(sanitizeText(ch, 2));
    throw new UserError(`${shown}: invalid JSON at line ${line}, column ${column}: unexpected ${what}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${shown}: expected a JSON object like {"bits": true}, got ${describe(data)}`);
  }

  const out: Partial<Record<keyof ConfigDefaults, unknown>> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!Object.hasOwn(CHECKS, key)) {
      throw new UserError(`${shown}: unknown key ${JSON.stringify(sanitizeText(key, 40))} (known: ${CONFIG_KEYS.join(', ')})`);
    }
    const k = key as keyof ConfigDefaults;
    const problem = CHECKS[k](value);
    if (problem) throw new UserError(`${shown}: "${k}" ${problem}, got ${describe(value)}`);
    out[k] = value;
  }
  return out as Partial<ConfigDefaults>;
}

/** Command-line values for the same settings; undefined = not given. */
export type CliSettings = { [K in keyof ConfigDefaults]?: ConfigDefaults[K] | undefined };

/**
 * Config file values, overridden by every option given on the command line.
 * Other command-line fields pass through unchanged.
 */
export function mergeOptions<C extends CliSettings>(
  config: Partial<ConfigDefaults>,
  cli: C,
): Partial<ConfigDefaults> & Omit<C, keyof ConfigDefaults> {
  const out: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(cli)) {
    if (value !== undefined) out[key] = value;
  }
  return out as Partial<ConfigDefaults> & Omit<C, keyof ConfigDefaults>;
}
