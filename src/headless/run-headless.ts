import type { SnapshotFeed } from '../engine/snapshot-feed.js';
import type { NameLookup } from '../ui/name-lookup.js';
import { JsonReport } from './json-report.js';
import { TextReport } from './text-report.js';

export interface HeadlessOptions {
  format: 'json' | 'text';
  out: NodeJS.WritableStream;
  bits: boolean;
  names: NameLookup | null;
  width?: number;
}

/**
 * Print every snapshot the feed publishes (the engine publishes once per
 * reporting interval) until it ends; the final snapshot is the final report.
 */
export function runHeadless(feed: SnapshotFeed, opts: HeadlessOptions): Promise<void> {
  const json = opts.format === 'json' ? new JsonReport(opts.names) : null;
  const text = json ? null : new TextReport(opts.bits, opts.names, opts.width);
  let first = true;
  feed.onSnapshot((snap) => {
    if (json) opts.out.write(`${json.line(snap)}\n`);
    else {
      opts.out.write(`${first ? '' : '\n'}${text!.block(snap)}`);
      first = false;
    }
  });
  return new Promise((resolve, reject) => feed.onEnd((err) => (err ? reject(err) : resolve())));
}
