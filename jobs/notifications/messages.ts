import type { Language } from '../../db/schema/notifications';
import type { NotificationEvent, NotificationRequest } from './request';

/** Where the message is about: the department's name in both languages when the request has one. */
export interface MessageContext {
  department?: { name: string; nameEn: string | null };
}

export interface RenderedMessage {
  /** One line: "【红灯督办】财政局：…" */
  subject: string;
  /** Plain text for the inbox and e-mail. */
  body: string;
  /** Markdown for group robots (WeCom, DingTalk). */
  markdown: string;
}

type Phrase = (title: string) => string;

const headline: Record<NotificationEvent, Record<Language, { tag: string; text: Phrase }>> = {
  assigned: {
    zh: { tag: '【新任务】', text: (t) => `请办理“${t}”` },
    en: { tag: '[New task]', text: (t) => `please take on "${t}"` },
  },
  yellow: {
    zh: { tag: '【黄灯预警】', text: (t) => `“${t}”临近办理期限，请抓紧办理` },
    en: { tag: '[Yellow — warning]', text: (t) => `"${t}" is nearly due` },
  },
  red: {
    zh: { tag: '【红灯督办】', text: (t) => `关于“${t}”的事项已超过办理期限` },
    en: { tag: '[Red — supervised]', text: (t) => `"${t}" is past its due date` },
  },
  urged: {
    zh: { tag: '【催办】', text: (t) => `请尽快办理“${t}”` },
    en: { tag: '[Urged]', text: (t) => `please act on "${t}" now` },
  },
  urge_escalated: {
    zh: { tag: '【催办升级】', text: (t) => `“${t}”经催办仍未办理，请督促` },
    en: { tag: '[Urge escalated]', text: (t) => `"${t}" was urged and is still not acted on; please follow up` },
  },
  returned: {
    zh: { tag: '【退回】', text: (t) => `“${t}”的办结报告已退回，请修改后重新提交` },
    en: { tag: '[Returned]', text: (t) => `the completion report on "${t}" was returned; please revise and resubmit` },
  },
  extension_decided: {
    zh: { tag: '【延期申请结果】', text: (t) => `“${t}”的延期申请已处理` },
    en: { tag: '[Extension decided]', text: (t) => `the extension request on "${t}" was decided` },
  },
  transfer_decided: {
    zh: { tag: '【转办申请结果】', text: (t) => `“${t}”的转办申请已处理` },
    en: { tag: '[Transfer decided]', text: (t) => `the transfer request on "${t}" was decided` },
  },
  accepted: {
    zh: { tag: '【办结确认】', text: (t) => `“${t}”已通过审核，办结` },
    en: { tag: '[Accepted]', text: (t) => `"${t}" was accepted as complete` },
  },
  cancelled: {
    zh: { tag: '【已撤销】', text: (t) => `“${t}”已撤销，无需继续办理` },
    en: { tag: '[Cancelled]', text: (t) => `"${t}" was cancelled; no further action is needed` },
  },
  submitted: {
    zh: { tag: '【待审核】', text: (t) => `“${t}”已提交办结报告，请审核` },
    en: { tag: '[To review]', text: (t) => `a completion report on "${t}" awaits your review` },
  },
  extension_requested: {
    zh: { tag: '【延期申请】', text: (t) => `“${t}”申请延期，请审批` },
    en: { tag: '[Extension requested]', text: (t) => `an extension is requested on "${t}"; please decide` },
  },
  transfer_requested: {
    zh: { tag: '【转办申请】', text: (t) => `“${t}”申请转办，请审批` },
    en: { tag: '[Transfer requested]', text: (t) => `a transfer is requested on "${t}"; please decide` },
  },
  deadlines_changed: {
    zh: { tag: '【期限调整】', text: (t) => `“${t}”的办理期限已调整，请按新期限办理` },
    en: { tag: '[Deadline changed]', text: (t) => `the deadlines of "${t}" changed; please work to the new dates` },
  },
  instruction: {
    zh: { tag: '【领导批示】', text: (t) => `“${t}”有新的批示，请阅办` },
    en: { tag: '[Instruction]', text: (t) => `a new instruction was given on "${t}"; please act on it` },
  },
};

const labels = {
  zh: { code: '编号', reason: '原因', message: '留言', at: '时间', colon: '：' },
  en: { code: 'Code', reason: 'Reason', message: 'Message', at: 'Time', colon: ': ' },
} as const;

/** The time as recipients read it: Beijing time, since the platform serves Chinese offices. */
const timeFormats: Record<Language, Intl.DateTimeFormat> = {
  // Built once: constructing a DateTimeFormat costs far more than formatting with it.
  zh: new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }),
};

function formatTime(iso: string, language: Language): string {
  const formatted = timeFormats[language].format(new Date(iso));
  return language === 'zh' ? `${formatted}（北京时间）` : `${formatted} (Beijing time)`;
}

export function renderMessage(request: NotificationRequest, language: Language, context: MessageContext = {}): RenderedMessage {
  const { tag, text } = headline[request.event][language];
  const l = labels[language];
  const departmentName = context.department
    ? language === 'en'
      ? (context.department.nameEn ?? context.department.name)
      : context.department.name
    : undefined;
  const separator = language === 'zh' ? '' : ' ';
  const subject = `${tag}${separator}${departmentName ? `${departmentName}${l.colon}` : ''}${text(request.itemTitle)}`;

  const details: [string, string][] = [];
  if (request.itemCode) details.push([l.code, request.itemCode]);
  if (request.reason) details.push([l.reason, request.reason[language]]);
  if (request.message) details.push([l.message, request.message]);
  details.push([l.at, formatTime(request.occurredAt, language)]);

  const body = [subject, ...details.map(([k, v]) => `${k}${l.colon}${v}`)].join('\n');
  const markdown = [`**${subject}**`, ...details.map(([k, v]) => `> ${k}${l.colon}${v}`)].join('\n');
  return { subject, body, markdown };
}

const digestWords = {
  zh: {
    subject: (n: number) => `【督查督办汇总】共 ${n} 条通知`,
    why: '以下非紧急通知在免打扰时段内或每日汇总前暂缓推送：',
    more: (n: number) => `……另有 ${n} 条，请登录督查督办平台查看`,
  },
  en: {
    subject: (n: number) => `[Supervision digest] ${n} notifications`,
    why: 'Not urgent, held for quiet hours or the daily digest:',
    more: (n: number) => `…and ${n} more; see the supervision platform`,
  },
} as const;

/**
 * One message gathering what was held during quiet hours or for the daily digest: plain text for
 * e-mail, markdown for group robots. The markdown lists as many as fit in `markdownMaxBytes` (robots
 * cap a message's size) and says how many more there are.
 */
export function renderDigest(subjects: string[], language: Language, options: { markdownMaxBytes?: number } = {}): RenderedMessage {
  const words = digestWords[language];
  const subject = words.subject(subjects.length);
  const lines = subjects.map((s, i) => `${i + 1}. ${s}`);
  const body = [subject, words.why, '', ...lines].join('\n');
  const head = [`**${subject}**`, `> ${words.why}`, ''];
  const budget = options.markdownMaxBytes ?? Infinity;
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  let used = bytes(head.join('\n'));
  let shown = 0;
  for (const line of lines) {
    const left = lines.length - shown - 1;
    // Room for this line and, if more remain, for the line saying how many.
    if (used + 1 + bytes(line) + (left > 0 ? 1 + bytes(words.more(left)) : 0) > budget) break;
    used += 1 + bytes(line);
    shown++;
  }
  const rest = lines.length - shown;
  const markdown = [...head, ...lines.slice(0, shown), ...(rest > 0 ? [words.more(rest)] : [])].join('\n');
  return { subject, body, markdown };
}
