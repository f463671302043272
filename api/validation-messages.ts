/**
 * Validation messages in both languages. A 400 names each bad field with its English message and,
 * as `messageZh`, its Chinese one, so a form in either language explains itself next to the field.
 *
 * Schemas that word their own message take it from `ownMessages` (English in the schema, Chinese
 * here, side by side); every other problem is worded by zod's own English and Chinese locales.
 */
import { z } from 'zod';

export const ownMessages = {
  timeOfDay: { en: 'HH:MM, 24-hour', zh: '24 小时制时刻，如 08:30' },
  timeZone: { en: 'an IANA time zone such as Asia/Shanghai', zh: 'IANA 时区名，如 Asia/Shanghai' },
  duration: { en: 'a positive ISO-8601 duration of at most ten years, such as "P2D" or "PT5S"', zh: '不超过十年的正 ISO-8601 时长，如 "P2D"（2 天）或 "PT5S"（5 秒）' },
  reportCadence: { en: 'an ISO-8601 duration of at least one minute and at most ten years, such as "P7D"', zh: '不短于一分钟、不超过十年的 ISO-8601 时长，如 "P7D"（7 天）' },
  instant: { en: 'an ISO-8601 instant with a zone, e.g. 2026-12-31T10:00:00Z', zh: '带时区的 ISO-8601 时刻，如 2026-12-31T10:00:00Z' },
  date: { en: 'YYYY-MM-DD', zh: '日期，格式为 YYYY-MM-DD' },
  username: { en: 'letters, digits, dot, dash or underscore', zh: '只能包含字母、数字、点、连字符或下划线' },
  returnReason: { en: 'a reason is required to return a task', zh: '退回任务须写明理由' },
  matterCode: { en: 'letters, digits and . _ / - only', zh: '只能含字母、数字和 . _ / -' },
  phone: { en: 'a mobile number (11 digits) or a landline with its area code', zh: '手机号（11 位）或带区号的固定电话' },
  templateCode: { en: 'a template code such as SMS_123456789', zh: '模板代码，如 SMS_123456789' },
  points: { en: 'points from 0 to 1000, in hundredths at most', zh: '0 至 1000 分，最多保留两位小数' },
  mobile: { en: 'a mainland mobile number (11 digits, optionally +86)', zh: '中国大陆手机号（11 位，可带 +86）' },
} as const;

const chineseOfOwn = new Map<string, string>(Object.values(ownMessages).map((m) => [m.en, m.zh]));
const chineseLocale = z.locales.zhCN().localeError;

/** One problem found by a schema, as fastify-type-provider-zod reports it (the zod issue, spread out). */
export interface SchemaProblem {
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The Chinese words for a schema's problem. */
export function chineseMessageOf(problem: SchemaProblem): string {
  const own = problem.message === undefined ? undefined : chineseOfOwn.get(problem.message);
  if (own) return own;
  const worded = chineseLocale({ code: problem.keyword, ...problem.params } as never);
  const text = typeof worded === 'string' ? worded : worded?.message;
  // The issue no longer carries the input itself, so zod would say "received undefined": leave that part out.
  return (text ?? '无效输入').replace(/，实际接收 undefined$/, '');
}
