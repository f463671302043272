import { describe, expect, it } from 'vitest';
import { renderDigest, renderMessage } from '../../../jobs/notifications/messages';
import { audienceFor } from '../../../jobs/notifications/recipients';
import { notificationDedupeKey, notificationRequestSchema, type NotificationRequest } from '../../../jobs/notifications/request';

const request: NotificationRequest = {
  dedupeKey: notificationDedupeKey('task:abc', 4, 'red'),
  event: 'red',
  urgent: true,
  itemId: 'item-1',
  itemTitle: '城市更新三年行动',
  itemCode: 'DB-2026-0007',
  occurredAt: '2026-03-03T02:00:00.000Z',
};
const department = { name: '财政局', nameEn: 'Finance Bureau' };

describe('messages in plain words', () => {
  it('says a red light in Chinese and in English', () => {
    expect(renderMessage(request, 'zh', { department }).subject).toBe('【红灯督办】财政局：关于“城市更新三年行动”的事项已超过办理期限');
    expect(renderMessage(request, 'en', { department }).subject).toBe('[Red — supervised] Finance Bureau: "城市更新三年行动" is past its due date');
  });

  it('adds the code, the reason, the message and the time in Beijing time', () => {
    const urged = { ...request, event: 'urged' as const, message: '请今日反馈', reason: { code: 'x', zh: '进度滞后', en: 'Progress lags' } };
    const zh = renderMessage(urged, 'zh', { department });
    expect(zh.body.split('\n')).toEqual([
      '【催办】财政局：请尽快办理“城市更新三年行动”',
      '编号：DB-2026-0007',
      '原因：进度滞后',
      '留言：请今日反馈',
      expect.stringMatching(/^时间：2026.*10:00（北京时间）$/),
    ]);
    expect(zh.markdown.startsWith('**【催办】')).toBe(true);
    expect(renderMessage(urged, 'en', {}).body).toContain('Reason: Progress lags');
  });

  it('falls back to the Chinese name when a department has no English one', () => {
    expect(renderMessage(request, 'en', { department: { name: '财政局', nameEn: null } }).subject).toMatch(/^\[Red — supervised\] 财政局: /);
  });

  it('counts a digest', () => {
    expect(renderDigest(['a', 'b'], 'zh').subject).toBe('【督查督办汇总】共 2 条通知');
    expect(renderDigest(['a'], 'en').body).toContain('1. a');
  });

  it("writes a robot's digest as markdown, cut to the robot's size with the number left over", () => {
    const subjects = Array.from({ length: 200 }, (_, i) => `【新任务】财政局：请办理“第 ${i + 1} 件关于城市更新的事项”`);
    const whole = renderDigest(subjects.slice(0, 2), 'zh', { markdownMaxBytes: 4096 }).markdown;
    expect(whole.split('\n')).toEqual(['**【督查督办汇总】共 2 条通知**', '> 以下非紧急通知在免打扰时段内或每日汇总前暂缓推送：', '', `1. ${subjects[0]}`, `2. ${subjects[1]}`]);
    const cut = renderDigest(subjects, 'zh', { markdownMaxBytes: 4096 }).markdown;
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(4096);
    const lines = cut.split('\n');
    const listed = lines.filter((line) => /^\d+\. /.test(line)).length;
    expect(listed).toBeGreaterThan(30);
    expect(lines[0]).toBe('**【督查督办汇总】共 200 条通知**');
    expect(lines.at(-1)).toBe(`……另有 ${200 - listed} 条，请登录督查督办平台查看`);
    // Room for one more listed line was not left unused.
    const oneMore = [...lines.slice(0, -1), `${listed + 1}. ${subjects[listed]}`, `……另有 ${200 - listed - 1} 条，请登录督查督办平台查看`].join('\n');
    expect(Buffer.byteLength(oneMore, 'utf8')).toBeGreaterThan(4096);
  });
});

describe('the request contract', () => {
  it('builds BullMQ-safe dedupe keys from a workflow id and event', () => {
    const key = notificationDedupeKey('item:2026 1', 12, 'yellow');
    expect(key).toBe('item%3A2026%201#12#yellow');
    expect(notificationRequestSchema.safeParse({ ...request, dedupeKey: key }).success).toBe(true);
    expect(notificationRequestSchema.safeParse({ ...request, dedupeKey: 'a:b' }).success).toBe(false);
    expect(notificationRequestSchema.safeParse({ ...request, dedupeKey: '123' }).success).toBe(false);
    expect(notificationRequestSchema.safeParse({ ...request, event: 'exploded' }).success).toBe(false);
  });

  it('routes events to the audiences of the design', () => {
    expect(audienceFor({ event: 'yellow' })).toMatchObject({ departmentStaff: true, departmentLeader: true, supervisors: false, issuer: false });
    expect(audienceFor({ event: 'red' })).toMatchObject({ departmentStaff: true, departmentLeader: true, supervisors: true, issuer: true });
    expect(audienceFor({ event: 'urged' })).toMatchObject({ departmentStaff: true, departmentLeader: false });
    expect(audienceFor({ event: 'returned', requesterUserId: 'u' })).toMatchObject({ requester: true, departmentStaff: false });
    expect(audienceFor({ event: 'urge_escalated', escalationLevel: 'department_leader' })).toMatchObject({ departmentLeader: true, supervisors: false });
    expect(audienceFor({ event: 'urge_escalated', escalationLevel: 'supervision_office' })).toMatchObject({ departmentLeader: false, supervisors: true });
  });
});
