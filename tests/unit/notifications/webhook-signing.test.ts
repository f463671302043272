import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dingtalkSignedUrl, redactUrl, signBody, webhookBody } from '../../../jobs/notifications/channels/webhook';

describe('webhook signatures and shapes', () => {
  it("signs like DingTalk's documentation: base64 HMAC-SHA256 of `timestamp\\nsecret`", () => {
    const url = new URL(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=t', 'SECxyz', 1_700_000_000_000));
    expect(url.searchParams.get('access_token')).toBe('t');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(createHmac('sha256', 'SECxyz').update('1700000000000\nSECxyz').digest('base64'));
  });

  it('signs generic bodies over `timestamp.body`', () => {
    expect(signBody('k', 10, '{}')).toBe('sha256=' + createHmac('sha256', 'k').update('10.{}').digest('hex'));
  });

  it('shapes robot messages and caps WeCom content at 4096 bytes', () => {
    const message = { subject: 's', body: 'b', markdown: '督'.repeat(3000) };
    const wecom = webhookBody('wecom', message, {} as never) as { markdown: { content: string } };
    expect(Buffer.byteLength(wecom.markdown.content)).toBeLessThanOrEqual(4096);
    expect(webhookBody('dingtalk', message, {} as never)).toEqual({ msgtype: 'markdown', markdown: { title: 's', text: message.markdown } });
  });

  it('keeps robot tokens out of errors', () => {
    expect(redactUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret')).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…');
  });
});
