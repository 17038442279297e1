import { describe, expect, it } from 'vitest';
import { metricsUrl, parseListenAddress } from '../../src/metrics/listen-address.js';
import { UserError } from '../../src/util/user-error.js';

describe('parseListenAddress', () => {
  it.each([
    ['9100', { host: '127.0.0.1', port: 9100 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['0.0.0.0:9100', { host: '0.0.0.0', port: 9100 }],
    ['198.18.0.1:80', { host: '198.18.0.1', port: 80 }],
    ['localhost:9100', { host: 'localhost', port: 9100 }],
    ['[::1]:9100', { host: '::1', port: 9100 }],
    ['[::]:65535', { host: '::', port: 65535 }],
  ])('%s', (addr, want) => {
    expect(parseListenAddress(addr)).toEqual(want);
  });

  it.each(['', 'abc', '65536', '-1', '::1:9100', ':9100', '[::1]', '[1.2.3.4]:9', '[::1]:x', 'host:', 'bad host:1', '1.2.3.4:99999', 'a\u001b[31m:1'])(
    'rejects %j with one line',
    (addr) => {
      let err: unknown;
      try {
        parseListenAddress(addr);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      const msg = (err as UserError).message;
      expect(msg).not.toContain('\n');
      expect(msg).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(msg).toMatch(/^--metrics/);
    },
  );

  it('builds URLs', () => {
    expect(metricsUrl('127.0.0.1', 9100)).toBe('http://127.0.0.1:9100/metrics');
    expect(metricsUrl('::1', 9100)).toBe('http://[::1]:9100/metrics');
  });
});
