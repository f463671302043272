import { describe, expect, it } from 'vitest';
import { forbiddenRange, literalAddressProblem, parseAllowList, resolvePublicAddress } from '../../../jobs/notifications/channels/outbound-address';

const none = parseAllowList(undefined);

describe('where a webhook may post', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['10.1.2.3', 'private'],
    ['192.168.1.1', 'private'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
  ])('refuses %s (%s)', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  it('lets public unicast addresses through', () => {
    expect(forbiddenRange('8.8.8.8')).toBeNull();
    expect(forbiddenRange('2001:4860:4860::8888')).toBeNull();
  });

  it('reads every written form of an address as the URL parser does', () => {
    for (const url of ['http://0x7f000001/', 'http://2130706433/', 'http://017700000001/', 'http://127.1/', 'http://[::1]/', 'http://localhost/', 'http://a.localhost/']) {
      expect(literalAddressProblem(new URL(url), none), url).not.toBeNull();
    }
    expect(literalAddressProblem(new URL('https://qyapi.weixin.qq.com/cgi-bin/webhook/send'), none)).toBeNull();
  });

  it('allows exactly what WEBHOOK_ALLOW_HOSTS names: hosts, addresses and ranges', () => {
    const allow = parseAllowList(' 10.0.0.0/8, 127.0.0.1 ,hooks.intranet, [::1]');
    expect(literalAddressProblem(new URL('http://10.20.30.40/'), allow)).toBeNull();
    expect(literalAddressProblem(new URL('http://0x7f000001/'), allow)).toBeNull();
    expect(literalAddressProblem(new URL('http://[::1]:8080/'), allow)).toBeNull();
    expect(literalAddressProblem(new URL('http://192.168.0.1/'), allow)).not.toBeNull();
    expect(literalAddressProblem(new URL('http://169.254.169.254/'), allow)).not.toBeNull();
  });

  it('checks the resolved addresses of a name at send time', async () => {
    await expect(resolvePublicAddress('localhost', none)).rejects.toThrow(/loopback/);
    await expect(resolvePublicAddress('127.0.0.1', parseAllowList('127.0.0.0/8'))).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });
});
