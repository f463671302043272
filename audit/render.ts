// Audit entries in plain words, Chinese or English: "2026-03-02 09:14 财政局（张三）签收" /
// "2026-03-02 09:14 Finance Bureau (Zhang San) signed for receipt".
import type { Actor, Instant, LightReason } from '../domain';
import type { AuditEntry } from './fold';

export type Lang = 'zh' | 'en';

/** The platform's display zone (times on the wire stay ISO-8601 UTC). */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

export interface NameBook {
  /** A department's name in the language (falls back to the id). */
  department(id: string | null | undefined, lang: Lang): string;
}

export function nameBook(departments: ReadonlyArray<{ id: string; name: string; nameEn: string | null }>): NameBook {
  const byId = new Map(departments.map((d) => [d.id, d]));
  return {
    department(id, lang) {
      if (!id) return lang === 'zh' ? '（未知单位）' : '(unknown department)';
      const d = byId.get(id);
      if (!d) return id;
      return lang === 'zh' ? d.name : (d.nameEn ?? d.name);
    },
  };
}

const clock = new Intl.DateTimeFormat('sv-SE', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "2026-03-02 09:14" in Asia/Shanghai. */
export function displayTime(ms: Instant): string {
  return clock.format(new Date(ms));
}

const ROLE_LABEL: Record<string, { zh: string; en: string }> = {
  supervisor: { zh: '督查室', en: 'Supervision Office' },
  leader: { zh: '领导', en: 'Leader' },
  admin: { zh: '管理员', en: 'Administrator' },
  auditor: { zh: '审计', en: 'Auditor' },
};

/** "财政局（张三）" / "Finance Bureau (Zhang San)"; null for the system. */
export function actorLabel(actor: Actor | null, lang: Lang, names: NameBook): string | null {
  if (!actor || actor.role === 'system') return null;
  const unit = actor.role === 'department' ? names.department(actor.departmentId, lang) : (ROLE_LABEL[actor.role]?.[lang] ?? actor.role);
  return lang === 'zh' ? `${unit}（${actor.name}）` : `${unit} (${actor.name})`;
}

const LIGHT = { zh: { green: '绿灯', yellow: '黄灯', red: '红灯' }, en: { green: 'green', yellow: 'yellow', red: 'red' } } as const;
const STATUS = {
  zh: { launched: '已立项', in_progress: '办理中', completed: '已办结', archived: '已归档', cancelled: '已撤销' },
  en: { launched: 'launched', in_progress: 'in progress', completed: 'completed', archived: 'archived', cancelled: 'cancelled' },
} as const;
const ROLE = { zh: { lead: '牵头', assist: '协办' }, en: { lead: 'lead', assist: 'assist' } } as const;

type Words = { zh: string; en: string };
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const withText = (w: Words, text: unknown): Words => (str(text) ? { zh: `${w.zh}：${str(text)}`, en: `${w.en}: ${str(text)}` } : w);

/** What happened, without time or actor. */
function what(e: AuditEntry, lang: Lang, names: NameBook): Words {
  const d = e.details;
  const dept = (id: unknown) => ({ zh: names.department(id as string, 'zh'), en: names.department(id as string, 'en') });
  const time = (ms: unknown) => (typeof ms === 'number' ? displayTime(ms) : str(ms));
  switch (e.action) {
    case 'launched': {
      const tasks = (d.tasks as Array<{ departmentId: string; role: 'lead' | 'assist' }>) ?? [];
      return {
        zh: `立项交办：${tasks.map((t) => `${dept(t.departmentId).zh}（${ROLE.zh[t.role]}）`).join('、')}`,
        en: `launched the item, assigning ${tasks.map((t) => `${dept(t.departmentId).en} (${ROLE.en[t.role]})`).join(', ')}`,
      };
    }
    case 'assigned':
      return {
        zh: `交办${dept(e.departmentId).zh}（${ROLE.zh[d.role as 'lead']}），办理期限${time(d.dueAt)}`,
        en: `assigned the task to ${dept(e.departmentId).en} (${ROLE.en[d.role as 'lead']}), due ${time(d.dueAt)}`,
      };
    case 'opened_by_transfer':
      return { zh: `转办至${dept(e.departmentId).zh}，办理期限${time(d.dueAt)}`, en: `opened the transferred task for ${dept(e.departmentId).en}, due ${time(d.dueAt)}` };
    case 'sign':
      return { zh: '签收', en: 'signed for receipt' };
    case 'progress': {
      const pct = typeof d.percent === 'number' ? d.percent : null;
      return { zh: `反馈进展：${str(d.text)}${pct === null ? '' : `（${pct}%）`}`, en: `reported progress: ${str(d.text)}${pct === null ? '' : ` (${pct}%)`}` };
    }
    case 'extension_request':
      return withText({ zh: `申请延期至${time(d.newDueAt)}`, en: `asked for an extension to ${time(d.newDueAt)}` }, d.reason);
    case 'extension_decision':
      return withText(d.approve ? { zh: '批准延期申请', en: 'approved the extension' } : { zh: '不予批准延期申请', en: 'denied the extension' }, d.comment);
    case 'transfer_request':
      return withText({ zh: '申请退回转办', en: 'asked for a transfer' }, d.reason);
    case 'transfer_decision':
      return withText(
        d.approve ? { zh: `同意转办${d.departmentId ? `至${dept(d.departmentId).zh}` : ''}`, en: `approved the transfer${d.departmentId ? ` to ${dept(d.departmentId).en}` : ''}` } : { zh: '不同意转办', en: 'denied the transfer' },
        d.comment,
      );
    case 'complete':
      return withText({ zh: '提交办结报告', en: 'submitted the completion report' }, d.summary);
    case 'review':
      return d.decision === 'accept'
        ? withText({ zh: '审核通过，办结', en: 'accepted the completion report' }, d.comment)
        : withText({ zh: '退回重办', en: 'returned the completion report' }, d.comment);
    case 'urge':
      return withText({ zh: '催办', en: 'urged' }, d.message);
    case 'cancel':
      return withText({ zh: `撤销${dept(e.departmentId).zh}的任务`, en: `cancelled the task of ${dept(e.departmentId).en}` }, d.reason);
    case 'deadlines_recomputed':
      return withText({ zh: `${dept(e.departmentId).zh}办理期限调整为${time(d.dueAt)}`, en: `deadlines of ${dept(e.departmentId).en} recomputed: due ${time(d.dueAt)}` }, d.reason);
    case 'light_changed': {
      const r = d.reason as LightReason;
      const to = d.to as 'green' | 'yellow' | 'red';
      return { zh: `${dept(e.departmentId).zh}：${r.zh}，亮${LIGHT.zh[to]}`, en: `${r.en} — light turned ${LIGHT.en[to]} (${dept(e.departmentId).en})` };
    }
    case 'urge_escalated': {
      const r = d.reason as { zh: string; en: string } | null;
      return { zh: `${dept(e.departmentId).zh}：${r?.zh ?? '催办升级'}`, en: `${r?.en ?? 'urge escalated'} (${dept(e.departmentId).en})` };
    }
    case 'item_cancelled':
      return withText({ zh: '撤销事项', en: 'cancelled the item' }, d.reason);
    case 'task_transferred':
      return { zh: `批准转办，新任务交由${dept(d.departmentId).zh}办理`, en: `approved the transfer: a new task opened for ${dept(d.departmentId).en}` };
    case 'transfer_dropped':
      return { zh: `事项已结束，未转办至${dept(d.departmentId).zh}`, en: `transfer to ${dept(d.departmentId).en} dropped: the item is closed` };
    case 'item_status_changed':
      return { zh: `事项${STATUS.zh[d.to as 'completed'] ?? str(d.to)}`, en: `item ${STATUS.en[d.to as 'completed'] ?? str(d.to)}` };
    case 'item_archived':
      return { zh: '事项归档', en: 'item archived' };
    case 'assist_added':
      return { zh: `增加${dept(d.departmentId).zh}为协办单位，办理期限${time(d.dueAt)}`, en: `added ${dept(d.departmentId).en} as an assisting department, due ${time(d.dueAt)}` };
    case 'item_deadline_changed':
      return withText({ zh: `将事项办理期限调整为${time(d.dueAt)}`, en: `changed the item's deadline to ${time(d.dueAt)}` }, d.reason);
    case 'item_instruction':
      return withText({ zh: '批示', en: 'gave an instruction' }, d.text);
    case 'item_public_changed':
      return withText(d.public ? { zh: '将事项设为公开', en: 'made the item public' } : { zh: '将事项设为不公开', en: 'made the item not public' }, d.reason);
    case 'signal_updated':
      return withText({ zh: '预警信息已更新', en: 'Signal details updated' }, d.subject);
    case 'item_merged':
      return { zh: `将本事项作为重复件并入${str(d.primaryCode)}，其未办结任务随之撤销`, en: `merged this item as a duplicate into ${str(d.primaryCode)}; its open tasks were cancelled` };
    case 'item_unmerged':
      return { zh: `撤销并入${str(d.primaryCode)}，本事项恢复办理，任务重新开启，期限顺延合并期间`, en: `unmerged this item from ${str(d.primaryCode)}: it runs again, its tasks reopened with their deadlines moved by the time merged` };
    case 'duplicate_merged':
      return { zh: `重复件${str(d.duplicateCode)}并入本事项`, en: `merged the duplicate ${str(d.duplicateCode)} into this item` };
    case 'duplicate_unmerged':
      return { zh: `重复件${str(d.duplicateCode)}撤销并入本事项`, en: `unmerged the duplicate ${str(d.duplicateCode)} from this item` };
    case 'deadline_set':
      return withText({ zh: `${dept(e.departmentId).zh}办理期限随事项调整为${time(d.dueAt)}（视为延期）`, en: `due date of ${dept(e.departmentId).en} moved with the item to ${time(d.dueAt)} (as an extension)` }, d.reason);
    case 'assign': {
      const who = d.assignee as { name?: string } | undefined;
      return { zh: `指定承办人：${who?.name ?? ''}`, en: `named ${who?.name ?? ''} to handle the task` };
    }
    default:
      return { zh: `${e.action}${d.detail ? `：${str(d.detail)}` : ''}`, en: `${e.action.replace(/_/g, ' ')}${d.detail ? `: ${str(d.detail)}` : ''}` };
  }
}

/** One line: time, actor (none for the system), what happened; a refusal said last. */
export function renderEntry(e: AuditEntry, lang: Lang, names: NameBook): string {
  const actor = e.action === 'light_changed' ? null : actorLabel(e.actor, lang, names);
  const text = what(e, lang, names)[lang];
  const refused = e.refused ? (lang === 'zh' ? `（未生效：${e.refused}）` : ` (refused: ${e.refused})`) : '';
  const body = actor ? (lang === 'zh' ? `${actor}${text}` : `${actor} ${text}`) : text;
  return `${displayTime(e.at)} ${body}${refused}`;
}

/** The caller's language: ?lang= first, then Accept-Language; Chinese by default. */
export function pickLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'zh' || query === 'en') return query;
  if (acceptLanguage) {
    const first = acceptLanguage
      .split(',')
      .map((part) => {
        const [tag, ...params] = part.trim().split(';');
        const q = params.find((p) => p.trim().startsWith('q='));
        return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
      })
      .filter((x) => x.tag.startsWith('zh') || x.tag.startsWith('en'))
      .sort((a, b) => b.q - a.q)[0];
    if (first) return first.tag.startsWith('en') ? 'en' : 'zh';
  }
  return 'zh';
}
