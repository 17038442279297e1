import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_SERVICE_COUNT, parseServices, ServiceNames } from '../../src/names/service-names.js';

const fixture = fileURLToPath(new URL('./fixtures/services', import.meta.url));

describe('parseServices', () => {
  it('parses the fixture robustly', () => {
    const t = parseServices(readFileSync(fixture, 'utf8'));
    expect(t.get('22/tcp')).toBe('ssh');
    expect(t.get('53/udp')).toBe('domain');
    expect(t.get('80/tcp')).toBe('http'); // first name wins over a later line
    expect(t.get('4242/tcp')).toBe('custom-app'); // aliases ignored
    expect(t.get('4243/udp')).toBe('indented');
    expect(t.get('4248/sctp')).toBe('sctp-thing');
    expect(t.get('4250/tcp')).toBe('tab');
    expect(t.get('4251/tcp')).toBe('crlf-svc');
    for (const k of ['99999/tcp', '0/tcp', '4245/tcp', '4246/t@p', '4247/tcp', '4249/tcp']) expect(t.has(k)).toBe(false);
    expect([...t.values()].every((v) => /^[\x21-\x7e]+$/.test(v))).toBe(true);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        for (const v of parseServices(text).values()) if (!/^[A-Za-z0-9][A-Za-z0-9._+/-]*$/.test(v)) return false;
        return true;
      }),
    );
  });
});

describe('ServiceNames', () => {
  it('uses the file first, then the built-in table', () => {
    const s = new ServiceNames({ path: fixture });
    expect(s.service(4242, 'tcp')).toBe('custom-app');
    expect(s.service(4242, 'TCP')).toBe('custom-app');
    expect(s.service(4242, 'udp')).toBeNull();
    expect(s.service(443, 'tcp')).toBe('https'); // not in the fixture: built in
    expect(s.service(5432, 'tcp')).toBe('postgresql');
    expect(s.service(0, 'tcp')).toBeNull();
    expect(s.service(70000, 'tcp')).toBeNull();
    expect(s.service(1.5, 'tcp')).toBeNull();
  });

  it('falls back to the built-in table when the file is missing', () => {
    const s = new ServiceNames({ path: '/nonexistent/services' });
    expect(s.service(22, 'tcp')).toBe('ssh');
    expect(s.service(53, 'udp')).toBe('domain');
    expect(s.service(4242, 'tcp')).toBeNull();
    expect(BUILT_IN_SERVICE_COUNT).toBeGreaterThanOrEqual(60);
  });

  it('reads the real /etc/services when present', () => {
    const s = new ServiceNames();
    expect(s.service(22, 'tcp')).toBe('ssh');
  });
});
