import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createNameLookup } from '../../src/names/name-lookup-impl.js';
import { FakeDnsServer, reverseName } from './fake-dns-server.js';

const fixture = fileURLToPath(new URL('./fixtures/services', import.meta.url));
const servers: FakeDnsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe('createNameLookup', () => {
  it('has exactly host() and service()', () => {
    const n = createNameLookup({ dns: false, services: false });
    expect(Object.keys(n).sort()).toEqual(['host', 'service']);
    expect(n.host('198.18.0.2')).toBeNull();
    expect(n.service(22, 'tcp')).toBeNull();
  });

  it('resolves through the given servers and the given services file', async () => {
    const server = new FakeDnsServer(new Map([[reverseName('198.18.0.2'), { ptr: [['peer', 'example']] }]]));
    servers.push(server);
    const addr = await server.start();
    const changed: string[] = [];
    const n = createNameLookup({ dns: true, services: true, servicesPath: fixture, resolverServers: [addr], onResolved: (a) => changed.push(a) });
    expect(n.host('198.18.0.2')).toBeNull();
    const end = Date.now() + 3000;
    while (n.host('198.18.0.2') === null && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(n.host('198.18.0.2')).toBe('peer.example');
    expect(changed).toEqual(['198.18.0.2']);
    expect(n.service(4242, 'tcp')).toBe('custom-app');
  });

  it('DNS off means no query at all', async () => {
    const server = new FakeDnsServer(new Map());
    servers.push(server);
    const addr = await server.start();
    const n = createNameLookup({ dns: false, services: true, resolverServers: [addr] });
    expect(n.host('198.18.0.2')).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(server.queries).toEqual([]);
    expect(n.service(22, 'tcp')).toBe('ssh');
  });
});
