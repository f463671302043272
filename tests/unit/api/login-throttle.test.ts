import { describe, expect, it } from 'vitest';
import { addressKey, delayAfter, loginGuards, MAX_DELAY_SECONDS, PER_ACCOUNT } from '../../../api/services/auth/login-throttle';

describe('guess limits', () => {
  it('lets the free failures through, then doubles the delay up to the cap', () => {
    const free = PER_ACCOUNT.freeFailures;
    expect([0, 1, free].map((n) => delayAfter(n, PER_ACCOUNT))).toEqual([0, 0, 0]);
    expect([free + 1, free + 2, free + 3, free + 4].map((n) => delayAfter(n, PER_ACCOUNT))).toEqual([1, 2, 4, 8]);
    expect(delayAfter(free + 60, PER_ACCOUNT)).toBe(MAX_DELAY_SECONDS);
  });

  it('counts an IPv4-mapped address as IPv4, and IPv6 by its /64', () => {
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb::9'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey(null)).toBe('other:unknown');
  });

  it('keys a login by (username, address) and by address, never by username alone', () => {
    const keys = loginGuards('Admin', '10.0.0.1').map((g) => g.key);
    expect(keys).toEqual(['login:10.0.0.1:admin', 'login:10.0.0.1']);
  });
});
