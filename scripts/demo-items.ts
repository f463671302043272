/**
 * The living demo (SEED_DEMO): a few dozen items across the kinds and states, played through the
 * running API exactly as users would (launch, sign, report, complete, review, extend, transfer,
 * urge), so every page has something to show. Titles and texts are written for this demo.
 *
 * Idempotent: each item is launched under a fixed Idempotency-Key, so its id is known in advance
 * (launchItemId); an item that exists already is left alone, and a second run adds nothing.
 * Short windows (seconds) make some tasks turn yellow and red while a newcomer watches.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { eq, inArray } from 'drizzle-orm';
import { launchItemId } from '../api/services/items/commands';
import { hashSessionToken, newSessionToken } from '../api/services/auth/session-tokens';
import type { Database } from '../db/client';
import { deleteSession, insertSession } from '../db/queries/sessions';
import { items } from '../db/schema/items';
import { departments, users } from '../db/schema/org';
import type { ItemKind } from '../domain/types';

type Play =
  | 'open' // launched, nobody has acted yet
  | 'progress' // signed, a progress report with a percentage
  | 'yellow' // turns yellow ~30 s after launch, red two hours later
  | 'red' // yellow after ~20 s, red after ~40 s
  | 'pendingReview' // completed, waiting for the supervisor
  | 'onTime' // completed and accepted before its deadline
  | 'late' // completed after its deadline passed, then accepted: outcome overdue
  | 'returned' // completed, returned by the supervisor with a reason
  | 'extended' // an extension requested and approved
  | 'pendingExtension' // an extension requested, waiting for a decision
  | 'transferred' // a transfer requested and approved to another department
  | 'urged'; // urged by the supervisor

interface DemoItem {
  title: string;
  kind: ItemKind;
  lead: string;
  assist?: string[];
  play: Play;
  public?: boolean;
  source: string;
}

const FIN = '财政局';
const EDU = '教育局';
const HOUSING = '住房和城乡建设局';
const ECO = '生态环境局';
const TRANSPORT = '交通运输局';

/** The departments whose clerks the demo plays (db/seed.ts creates them): username by department. */
const CLERKS: Record<string, string> = { [FIN]: 'finance', [EDU]: 'education', [HOUSING]: 'housing', [ECO]: 'ecology', [TRANSPORT]: 'transport' };

export const DEMO_ITEMS: DemoItem[] = [
  { title: '加快推进城区老旧小区改造工程', kind: 'meeting_resolution', lead: HOUSING, assist: [FIN], play: 'progress', public: true, source: '县政府第12次常务会议纪要' },
  { title: '落实秋冬季大气污染防治攻坚任务', kind: 'leadership_instruction', lead: ECO, assist: [TRANSPORT], play: 'yellow', public: true, source: '县委书记批示件〔2026〕31号' },
  { title: '义务教育阶段学校课后服务全覆盖', kind: 'meeting_resolution', lead: EDU, play: 'onTime', public: true, source: '县政府第10次常务会议纪要' },
  { title: '农村饮水安全巩固提升工程年内完工', kind: 'leadership_instruction', lead: HOUSING, assist: ['农业农村局'], play: 'red', source: '分管副县长批示' },
  { title: '县城主干道交通信号灯智能化改造', kind: 'routine', lead: TRANSPORT, assist: ['公安局'], play: 'extended', public: true, source: '年度重点工作任务分解' },
  { title: '做好今冬明春困难群众基本生活保障', kind: 'leadership_instruction', lead: FIN, assist: ['民政局'], play: 'onTime', source: '县长批示件〔2026〕18号' },
  { title: '高标准农田建设项目竣工验收', kind: 'routine', lead: FIN, assist: ['农业农村局'], play: 'transferred', source: '年度重点工作任务分解' },
  { title: '政务服务事项“一网通办”全部上线', kind: 'meeting_resolution', lead: TRANSPORT, play: 'returned', source: '县政府第11次常务会议纪要' },
  { title: '整改省环保督察反馈的河道垃圾问题', kind: 'leadership_instruction', lead: ECO, play: 'late', public: true, source: '县委书记批示件〔2026〕27号' },
  { title: '全县中小学校舍安全隐患排查', kind: 'routine', lead: EDU, play: 'late', source: '安全生产委员会工作要点' },
  { title: '重点企业节后用工保障措施', kind: 'meeting_resolution', lead: '人力资源和社会保障局', play: 'open', source: '县政府第12次常务会议纪要' },
  { title: '乡镇卫生院标准化建设达标', kind: 'routine', lead: '卫生健康局', assist: [FIN], play: 'open', source: '年度重点工作任务分解' },
  { title: '安全生产大检查整改清单报送', kind: 'leadership_instruction', lead: HOUSING, play: 'red', source: '分管副县长批示' },
  { title: '城乡公交一体化线路优化方案', kind: 'approval_document', lead: TRANSPORT, play: 'pendingReview', source: '交通运输局请示〔2026〕9号' },
  { title: '工业园区污水处理能力提升方案', kind: 'approval_document', lead: ECO, assist: ['发展和改革局'], play: 'onTime', source: '生态环境局请示〔2026〕5号' },
  { title: '耕地保护“田长制”年度任务落实', kind: 'routine', lead: '自然资源局', play: 'urged', source: '年度重点工作任务分解' },
  { title: '保障性租赁住房项目建设进度', kind: 'meeting_resolution', lead: HOUSING, assist: [FIN, '自然资源局'], play: 'pendingExtension', source: '县政府第9次常务会议纪要' },
  { title: '冬季流感等传染病防控工作', kind: 'leadership_instruction', lead: '卫生健康局', assist: [EDU], play: 'yellow', source: '县长批示件〔2026〕22号' },
  { title: '养老服务中心运营管理规范化', kind: 'routine', lead: '民政局', play: 'open', public: true, source: '年度重点工作任务分解' },
  { title: '根治欠薪冬季专项行动', kind: 'leadership_instruction', lead: '人力资源和社会保障局', assist: [HOUSING], play: 'urged', source: '县委书记批示件〔2026〕35号' },
  { title: '人大代表建议：增设学校周边交通安全设施', kind: 'routine', lead: EDU, assist: [TRANSPORT], play: 'progress', public: true, source: '县人大代表建议第14号' },
  { title: '政协提案：发展县域冷链物流', kind: 'routine', lead: '发展和改革局', assist: [TRANSPORT], play: 'open', source: '县政协提案第8号' },
  { title: '城区停车难问题调研报告', kind: 'leadership_instruction', lead: TRANSPORT, play: 'onTime', source: '分管副县长批示' },
  { title: '年度预算调整方案反馈意见', kind: 'approval_document', lead: FIN, play: 'returned', source: '财政局请示〔2026〕15号' },
  { title: '第四季度重点项目资金拨付', kind: 'meeting_resolution', lead: FIN, assist: ['发展和改革局'], play: 'progress', source: '县政府第12次常务会议纪要' },
  { title: '集贸市场食品安全日常监管', kind: 'routine', lead: '卫生健康局', play: 'red', source: '食品安全委员会工作要点' },
  { title: '农村人居环境整治“厕所革命”', kind: 'meeting_resolution', lead: '农业农村局', assist: [ECO], play: 'open', public: true, source: '县政府第8次常务会议纪要' },
  { title: '编制县域综合交通运输“十五五”规划', kind: 'routine', lead: TRANSPORT, assist: ['发展和改革局', '自然资源局'], play: 'progress', source: '年度重点工作任务分解' },
  { title: '小区供暖不达标问题限期处置', kind: 'leadership_instruction', lead: HOUSING, play: 'onTime', source: '县长批示件〔2026〕40号' },
  { title: '加快县医院新院区建设', kind: 'leadership_instruction', lead: '卫生健康局', assist: [HOUSING, FIN], play: 'yellow', public: true, source: '县委书记批示件〔2026〕38号' },
  { title: '校园食堂“明厨亮灶”全覆盖', kind: 'routine', lead: EDU, play: 'pendingReview', source: '年度重点工作任务分解' },
  { title: '生态环境执法案件移送衔接', kind: 'meeting_resolution', lead: ECO, assist: ['公安局'], play: 'open', source: '县政府第11次常务会议纪要' },
];

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

/** Deadline and windows of a launch, by how the item is meant to play. */
function timing(play: Play, index: number, now: number) {
  switch (play) {
    case 'yellow':
      return { dueAt: iso(now + 2 * 60 * MINUTE), warnBefore: 'PT1H59M30S', signWithin: 'PT1H' };
    case 'red':
      return { dueAt: iso(now + 40 * SECOND), warnBefore: 'PT20S', signWithin: 'PT10S' };
    case 'late':
      return { dueAt: iso(now + 25 * SECOND), warnBefore: 'PT10S', signWithin: 'PT5S' };
    default:
      // Spread over the coming weeks, counted in working days as most offices do.
      return { dueInWorkingDays: 8 + ((index * 7) % 40) };
  }
}

interface Caller {
  call(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function callerOf(baseUrl: string, token: string): Caller {
  return {
    async call(method, path, body, key) {
      // A task's workflow may still be starting (404) or busy (503): the demo waits as a user would.
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        const parsed = text ? JSON.parse(text) : null;
        if ((response.status === 404 || response.status === 503) && attempt < 40) {
          await sleep(500);
          continue;
        }
        return { status: response.status, body: parsed };
      }
    },
  };
}

export interface DemoSeedResult {
  launched: number;
  existing: number;
  problems: string[];
}

/** Plays the demo items against the API at `baseUrl`; the accounts come from db/seed.ts. */
export async function seedDemoItems(db: Database, baseUrl: string, now = Date.now()): Promise<DemoSeedResult> {
  const usernames = ['supervisor', 'leader', ...Object.values(CLERKS)];
  const accounts = new Map((await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.username, usernames))).map((u) => [u.username, u.id]));
  const departmentIds = new Map((await db.select({ id: departments.id, name: departments.name }).from(departments)).map((d) => [d.name, d.id]));
  const supervisorId = accounts.get('supervisor');
  const leaderId = accounts.get('leader');
  if (!supervisorId || !leaderId) return { launched: 0, existing: 0, problems: ['the demo accounts are missing (SEED_DEMO seeds them)'] };

  // Short-lived sessions of the demo accounts, ended when the demo is played.
  const sessions: string[] = [];
  const callers = new Map<string, Caller>();
  for (const [username, userId] of accounts) {
    const token = newSessionToken();
    sessions.push(await insertSession(db, { tokenHash: hashSessionToken(token), userId, expiresAt: new Date(now + 60 * MINUTE), ip: null, userAgent: 'demo seed' }));
    callers.set(username, callerOf(baseUrl, token));
  }
  const result: DemoSeedResult = { launched: 0, existing: 0, problems: [] };
  try {
    const queue = DEMO_ITEMS.map((item, index) => ({ item, index }));
    // A few at a time: the demo must not starve the platform it is shown on.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const key = `demo-item-${next.index}`;
          const [exists] = await db.select({ id: items.id }).from(items).where(eq(items.id, launchItemId(supervisorId, key)));
          if (exists) {
            result.existing += 1;
            continue;
          }
          const problem = await playItem(next.item, next.index, key, { callers, departmentIds, leaderId, now: Date.now() });
          if (problem) result.problems.push(`${next.item.title}: ${problem}`);
          else result.launched += 1;
        }
      }),
    );
  } finally {
    for (const id of sessions) await deleteSession(db, id).catch(() => {});
  }
  return result;
}

interface PlayContext {
  callers: Map<string, Caller>;
  departmentIds: Map<string, string>;
  leaderId: string;
  now: number;
}

async function playItem(item: DemoItem, index: number, key: string, ctx: PlayContext): Promise<string | null> {
  const supervisor = ctx.callers.get('supervisor')!;
  const lead = ctx.departmentIds.get(item.lead);
  if (!lead) return `no department ${item.lead}`;
  const tasks = [{ departmentId: lead, role: 'lead' }, ...(item.assist ?? []).map((name) => ({ departmentId: ctx.departmentIds.get(name)!, role: 'assist' }))];
  const launched = await supervisor.call(
    'POST',
    '/api/items',
    {
      kind: item.kind,
      title: item.title,
      description: `${item.title}。请牵头单位会同协办单位按期办结，并按时反馈进展。`,
      source: item.source,
      issuedBy: ctx.leaderId,
      public: item.public ?? false,
      tasks: tasks.filter((t) => t.departmentId),
      ...timing(item.play, index, ctx.now),
    },
    key,
  );
  if (launched.status !== 201) return `launch answered ${launched.status} ${JSON.stringify(launched.body)}`;
  const taskId: string = launched.body.tasks[0].id;
  const dueAt = Date.parse(launched.body.tasks[0].dueAt);
  const clerk = ctx.callers.get(CLERKS[item.lead] ?? '');
  const step = async (caller: Caller | undefined, path: string, body: unknown, name: string) => {
    if (!caller) throw new Error(`no clerk plays ${item.lead}`);
    const answer = await caller.call('POST', `/api/tasks/${taskId}/${path}`, body, `${key}-${name}`);
    if (answer.status >= 300) throw new Error(`${path} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const complete = { summary: `${item.title}已按要求办结，相关材料已归档备查。`, fields: item.kind === 'approval_document' ? { documentNumber: `办复〔2026〕${10 + index}号` } : {} };
  try {
    switch (item.play) {
      case 'open':
      case 'yellow':
      case 'red':
        return null;
      case 'urged':
        await step(supervisor, 'urge', { message: '该事项进度滞后，请抓紧办理并于本周内反馈。' }, 'urge');
        return null;
      case 'transferred': {
        await step(clerk, 'transfer', { reason: '该事项主要涉及项目验收，职责在农业农村局，申请转办。' }, 'transfer');
        const to = ctx.departmentIds.get('农业农村局');
        await step(supervisor, 'transfer-decision', { approve: true, departmentId: to, comment: '同意转办' }, 'transfer-decision');
        return null;
      }
      default:
        break;
    }
    await step(clerk, 'sign', {}, 'sign');
    await step(clerk, 'progress', { text: '已召开专题会议研究部署，明确责任人和时间节点。', percent: 30 + (index % 5) * 10 }, 'progress');
    switch (item.play) {
      case 'progress':
        return null;
      case 'extended':
      case 'pendingExtension':
        await step(clerk, 'extension', { reason: '涉及跨部门协调和资金拨付，需延长办理期限。', newDueAt: iso(dueAt + 10 * DAY) }, 'extension');
        if (item.play === 'extended') await step(supervisor, 'extension-decision', { approve: true, comment: '同意延期十天' }, 'extension-decision');
        return null;
      case 'late':
        // Wait until the deadline has passed, as a department that finished late would.
        await sleep(Math.max(0, dueAt - Date.now() + 2 * SECOND));
        break;
      default:
        break;
    }
    await step(clerk, 'complete', complete, 'complete');
    if (item.play === 'pendingReview') return null;
    if (item.play === 'returned') {
      await step(supervisor, 'review', { decision: 'return', comment: '佐证材料不全，请补充现场照片和验收意见后重新报送。' }, 'review');
      return null;
    }
    await step(supervisor, 'review', { decision: 'accept', comment: '同意办结' }, 'review');
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
