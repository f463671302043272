import type { Language } from '../../db/schema/notifications';
import type { NotificationEvent } from './request';

/**
 * The SMS message types. Providers send approved templates, so a message is a type (whose template
 * code the admin sets per language in the SMS settings) and its variables; the texts below are what
 * those templates should say, and what the ledger and the admin see.
 */
export const smsMessageTypes = ['appeal_registered', 'appeal_replied', 'appeal_visited', 'task_assigned', 'task_urged', 'task_red', 'digest', 'test'] as const;
export type SmsMessageType = (typeof smsMessageTypes)[number];

export type SmsParams = Record<string, string>;

const texts: Record<SmsMessageType, Record<Language, (p: SmsParams) => string>> = {
  appeal_registered: {
    zh: (p) => `您反映的诉求已登记，编号${p.code}，查询码${p.queryCode}，可凭查询码和手机号查询办理进度。`,
    en: (p) => `Your appeal is registered as ${p.code}. Query code ${p.queryCode}: follow it with this code and your phone number.`,
  },
  appeal_replied: {
    zh: (p) => `您反映的诉求${p.code}已有答复，请留意承办单位的联系，凭查询码可查看答复。`,
    en: (p) => `Your appeal ${p.code} has been answered; the reply can be read with your query code.`,
  },
  appeal_visited: {
    zh: (p) => `感谢您对诉求${p.code}办理情况的评价（${p.result}）。`,
    en: (p) => `Thank you for rating how your appeal ${p.code} was handled (${p.result}).`,
  },
  task_assigned: {
    zh: (p) => `【督办】您单位收到新任务：${p.title}，请及时签收。`,
    en: (p) => `[Supervision] New task for your department: ${p.title}. Please sign for it.`,
  },
  task_urged: {
    zh: (p) => `【催办】${p.title}：请尽快办理。`,
    en: (p) => `[Urged] ${p.title}: please act on it now.`,
  },
  task_red: {
    zh: (p) => `【红灯督办】${p.title}已逾期，请立即办理。`,
    en: (p) => `[Red light] ${p.title} is overdue: act on it at once.`,
  },
  digest: {
    zh: (p) => `【督办】您有${p.count}条未读通知，请登录系统查看。`,
    en: (p) => `[Supervision] You have ${p.count} notifications waiting; please sign in.`,
  },
  test: {
    zh: () => '【督办】这是一条测试短信。',
    en: () => '[Supervision] This is a test message.',
  },
};

export function renderSms(type: SmsMessageType, language: Language, params: SmsParams): string {
  return texts[type][language](params);
}

/** Which staff notifications go by SMS: the dispatch of a task, urges and red lights. */
export function smsTypeOfEvent(event: NotificationEvent): SmsMessageType | null {
  switch (event) {
    case 'assigned':
      return 'task_assigned';
    case 'urged':
    case 'urge_escalated':
      return 'task_urged';
    case 'red':
      return 'task_red';
    default:
      return null;
  }
}

/** SMS variables are short: providers cap each (Alibaba: 35 characters for a name-like variable). */
export function shortParam(value: string, max = 20): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
