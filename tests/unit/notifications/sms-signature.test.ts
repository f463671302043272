/** Alibaba Cloud's RPC signature, against the example of its "Signature mechanism" documentation. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aliyunPercentEncode, aliyunRpcSignature, sendSmsQuery } from '../../../jobs/notifications/channels/sms';

/** The documented DescribeRegions request (AccessKey secret "testsecret"). */
const documented = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26',
};

describe('the Alibaba Cloud RPC signature', () => {
  it('matches the documented example, computed here step by step', () => {
    // Step 1, by hand: the sorted, encoded query, then GET&%2F& and the query encoded once more (":" → %3A → %253A).
    const stringToSign =
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
      '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
      '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26';
    // Step 2: HMAC-SHA1 keyed with the secret and "&", Base64.
    const byHand = createHmac('sha1', 'testsecret&').update(stringToSign).digest('base64');
    expect(byHand).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(aliyunRpcSignature(documented, 'testsecret')).toBe(byHand);
  });

  it('does not depend on the order the parameters come in, and leaves Signature out', () => {
    const shuffled = Object.fromEntries(Object.entries(documented).reverse());
    expect(aliyunRpcSignature({ ...shuffled, Signature: 'ignored' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(aliyunRpcSignature(documented, 'another')).not.toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it("percent-encodes as RFC 3986: space %20, * ! ' ( ) encoded, ~ kept, UTF-8 bytes", () => {
    expect(aliyunPercentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(aliyunPercentEncode('督办')).toBe('%E7%9D%A3%E5%8A%9E');
    expect(aliyunPercentEncode('{"code":"1"}')).toBe('%7B%22code%22%3A%221%22%7D');
  });

  it('builds a SendSms query whose signature verifies over its own parameters', () => {
    const query = sendSmsQuery(
      { accessKeyId: 'id1', accessKeySecret: 's3cret', signName: '督查督办' },
      { phone: '13812341234', templateCode: 'SMS_1', params: { code: 'A B*' } },
      new Date('2026-12-02T08:00:00.123Z'),
      'nonce-1',
    );
    const parsed = new URLSearchParams(query);
    expect(parsed.get('Timestamp')).toBe('2026-12-02T08:00:00Z');
    expect(parsed.get('TemplateParam')).toBe('{"code":"A B*"}');
    const { Signature, ...rest } = Object.fromEntries(parsed.entries());
    const canonical = Object.keys(rest)
      .sort()
      .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(rest[k]!).replace(/\*/g, '%2A')}`)
      .join('&');
    const expected = createHmac('sha1', 's3cret&').update(`GET&%2F&${encodeURIComponent(canonical)}`).digest('base64');
    expect(Signature).toBe(expected);
  });
});
