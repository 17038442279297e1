import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelPacketCount } from '../../src/capture/interfaces.js';

/** The dropped estimate compares these counts with what the capture saw. */
describe('kernel packet counts per interface (sysfs)', () => {
  const root = mkdtempSync(join(tmpdir(), 'wt-sys-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const iface = (name: string, type: number, rx: number, tx: number) => {
    mkdirSync(join(root, name, 'statistics'), { recursive: true });
    writeFileSync(join(root, name, 'type'), `${type}\n`);
    writeFileSync(join(root, name, 'statistics', 'rx_packets'), `${rx}\n`);
    writeFileSync(join(root, name, 'statistics', 'tx_packets'), `${tx}\n`);
  };

  it('an Ethernet/veth interface carried rx + tx packets, each captured once', () => {
    iface('veth0', 1, 1000, 250);
    expect(kernelPacketCount('veth0', root)).toBe(1250);
  });

  it('loopback counts each packet as sent and received; a capture sees it once', () => {
    iface('lo', 772, 500, 500);
    expect(kernelPacketCount('lo', root)).toBe(500);
  });

  it('an interface that is gone has no count', () => {
    expect(kernelPacketCount('nope0', root)).toBeNull();
  });
});
