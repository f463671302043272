/**
 * The electronic dossier (电子案卷) as PDF: a cover, a contents page, the item, its department
 * tasks with deadlines, lights and outcomes, every recorded report and decision with its actor and
 * time (the timeline), and appendix sections supplied by the caller (e.g. the raw Temporal
 * history, filled in by the audit module). A volume (卷) binds many items behind one contents page.
 * Chinese renders through an embedded Noto Sans SC subset (pdf-fonts.ts).
 */
import PDFDocument from 'pdfkit';
import type { ItemEventRow, TaskRow } from '../../db/schema/items';
import { ACCOUNTABILITY_KIND_WORDS, accountabilityWords } from '../../domain/accountability';
import type { DossierData } from './dossier-data';
import { FONT_BOLD, FONT_REGULAR, useCjkFonts } from './pdf-fonts';

/** One extra section at the end of a dossier: plain paragraphs, or drawn by `render`. */
export interface AppendixSection {
  title: string;
  paragraphs?: string[];
  render?: (doc: PDFKit.PDFDocument) => void;
}

export interface DossierOptions {
  appendix?: AppendixSection[];
  now?: Date;
}

const KIND = { meeting_resolution: '会议议定事项', leadership_instruction: '领导批示', approval_document: '上级批件', routine: '常规督查', verification: '预警核查' } as Record<string, string>;
const ITEM_STATUS = { launched: '已立项', in_progress: '办理中', completed: '已办结', archived: '已归档', cancelled: '已撤销' } as Record<string, string>;
const TASK_STATUS = { assigned: '待签收', signed: '已签收', in_progress: '办理中', submitted: '待审核', accepted: '已办结', transferred: '已转办', cancelled: '已撤销' } as Record<string, string>;
const LIGHT = { green: '绿灯', yellow: '黄灯', red: '红灯' } as Record<string, string>;
const LIGHT_COLOR = { green: '#1a7f37', yellow: '#b58100', red: '#c62828' } as Record<string, string>;
const OUTCOME = { on_time: '按时办结', overdue: '超时办结', postponed: '延期办结' } as Record<string, string>;
const ROLE = { lead: '牵头', assist: '协办' } as Record<string, string>;
const ACTOR_ROLE = { admin: '管理员', supervisor: '督查室', leader: '领导', department: '承办单位', auditor: '审计', system: '系统' } as Record<string, string>;
const EVENT = {
  launched: '立项交办',
  assigned: '交办任务',
  opened_by_transfer: '转办接收',
  sign: '签收',
  progress: '进展反馈',
  extension_request: '申请延期',
  extension_decision: '延期审批',
  transfer_request: '申请退回/转办',
  transfer_decision: '转办审批',
  transfer_opened: '转办新任务',
  task_transferred: '任务转办',
  transfer_dropped: '转办未执行',
  complete: '提交办结报告',
  review: '审核办结报告',
  urge: '催办',
  cancel: '撤销任务',
  item_cancelled: '撤销事项',
  item_archived: '归档',
  item_status_changed: '事项状态变化',
  deadlines_recomputed: '期限重算',
  light_changed: '灯色变化',
} as Record<string, string>;

const PAGE_MARGIN = 56;
const CONTENTS_LINES_PER_PAGE = 32;

/** China time, to the minute: 2026-03-01 09:30. */
export function chinaTime(value: Date | number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return String(value);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The payload of a timeline entry in plain words. */
function eventDetail(e: ItemEventRow): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (e.type === 'light_changed') parts.push(`${LIGHT[str(p.from)] ?? str(p.from)} → ${LIGHT[str(p.to)] ?? str(p.to)}`);
  if (e.type === 'review') parts.push(p.decision === 'accept' ? '通过' : '退回');
  if (e.type === 'extension_decision' || e.type === 'transfer_decision') parts.push(p.approve ? '同意' : '不同意');
  if (typeof p.text === 'string') parts.push(p.text);
  if (typeof p.percent === 'number') parts.push(`进度 ${p.percent}%`);
  if (typeof p.summary === 'string') parts.push(p.summary);
  if (typeof p.reason === 'string') parts.push(`理由：${p.reason}`);
  if (typeof p.message === 'string') parts.push(p.message);
  if (typeof p.comment === 'string' && p.comment) parts.push(`意见：${p.comment}`);
  if (p.newDueAt !== undefined) parts.push(`申请期限：${chinaTime(p.newDueAt as number | string)}`);
  if (e.type === 'deadlines_recomputed' && p.dueAt !== undefined) parts.push(`新期限：${chinaTime(p.dueAt as number | string)}`);
  if (p.fields && typeof p.fields === 'object') {
    for (const [k, v] of Object.entries(p.fields as Record<string, unknown>)) parts.push(`${k}：${str(v)}`);
  }
  if (e.reasonZh && !parts.some((p) => p.includes(e.reasonZh!))) parts.push(e.reasonZh);
  return parts.join('；');
}

interface Entry {
  title: string;
  level: number;
  page: number;
}

/** A pdfkit document that remembers where each heading landed, for the contents page. */
class Book {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly entries: Entry[] = [];
  private contents: { first: number; pages: number } | null = null;

  /** Headings down to `contentsDepth` are listed in the contents. */
  constructor(
    title: string,
    private readonly contentsDepth = 1,
  ) {
    this.doc = new PDFDocument({ size: 'A4', margin: PAGE_MARGIN, bufferPages: true, info: { Title: title, Creator: '督查督办平台' } });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    useCjkFonts(this.doc);
  }

  get page(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count - 1;
  }

  /** Blank pages after the cover for the contents, filled in by finish(). */
  reserveContents(lines: number): void {
    const pages = Math.max(1, Math.ceil((lines + 2) / CONTENTS_LINES_PER_PAGE));
    this.doc.addPage();
    this.contents = { first: this.page, pages };
    for (let i = 1; i < pages; i++) this.doc.addPage();
  }

  heading(title: string, level = 1): void {
    const doc = this.doc;
    if (level === 1) doc.moveDown(0.6);
    if (doc.y > doc.page.height - PAGE_MARGIN - 80) doc.addPage();
    if (level <= this.contentsDepth) this.entries.push({ title, level, page: this.page });
    doc.font(FONT_BOLD).fontSize(level === 1 ? 16 : 13).fillColor('#000').text(title);
    doc.font(FONT_REGULAR).fontSize(10.5).moveDown(0.3);
  }

  field(label: string, value: string, color?: string): void {
    const doc = this.doc;
    doc.font(FONT_BOLD).fillColor('#333').text(`${label}：`, { continued: true });
    doc.font(FONT_REGULAR).fillColor(color ?? '#000').text(value || '—');
    doc.fillColor('#000');
  }

  async finish(): Promise<Buffer> {
    const doc = this.doc;
    if (this.contents) {
      const { first, pages } = this.contents;
      let line = 0;
      for (let p = 0; p < pages; p++) {
        doc.switchToPage(first + p);
        doc.x = PAGE_MARGIN;
        doc.y = PAGE_MARGIN;
        if (p === 0) doc.font(FONT_BOLD).fontSize(18).text('目  录', { align: 'center' }).moveDown(0.8);
        doc.font(FONT_REGULAR).fontSize(11);
        const width = doc.page.width - 2 * PAGE_MARGIN;
        for (let n = 0; n < CONTENTS_LINES_PER_PAGE - (p === 0 ? 2 : 0) && line < this.entries.length; n++, line++) {
          const e = this.entries[line]!;
          const indent = (e.level - 1) * 18;
          const y = doc.y;
          const label = e.title.length > 44 ? `${e.title.slice(0, 43)}…` : e.title;
          doc.text(label, PAGE_MARGIN + indent, y, { width: width - indent - 40, lineBreak: false });
          doc.text(String(e.page + 1), PAGE_MARGIN, y, { width, align: 'right', lineBreak: false });
          doc.y = y + 20;
        }
      }
    }
    // Page numbers on every page but the cover; the bottom margin is lifted so pdfkit adds no page.
    const range = doc.bufferedPageRange();
    for (let i = 1; i < range.count; i++) {
      doc.switchToPage(range.start + i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.font(FONT_REGULAR).fontSize(9).fillColor('#666');
      doc.text(`第 ${i + 1} 页 / 共 ${range.count} 页`, PAGE_MARGIN, doc.page.height - 36, { width: doc.page.width - 2 * PAGE_MARGIN, align: 'center', lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
    return this.done;
  }
}

/** `warning`, in red under the lines, is what a reader must not miss (e.g. a capped volume). */
function cover(book: Book, heading: string, lines: [string, string][], generated: Date, warning?: string): void {
  const doc = book.doc;
  doc.font(FONT_BOLD).fontSize(30).text(heading, PAGE_MARGIN, 200, { align: 'center' });
  doc.moveDown(2);
  doc.fontSize(12);
  for (const [label, value] of lines) {
    doc.font(FONT_BOLD).text(`${label}：`, PAGE_MARGIN + 60, doc.y, { continued: true }).font(FONT_REGULAR).text(value);
    doc.moveDown(0.4);
  }
  if (warning) {
    doc.moveDown(0.8).font(FONT_BOLD).fillColor(LIGHT_COLOR.red!).text(warning, PAGE_MARGIN + 60, doc.y, { width: doc.page.width - 2 * (PAGE_MARGIN + 60) });
    doc.fillColor('#000');
  }
  doc.font(FONT_REGULAR).fontSize(10).fillColor('#666').text(`生成时间：${chinaTime(generated)}（北京时间）`, PAGE_MARGIN, doc.page.height - 120, { align: 'center' });
  doc.fillColor('#000');
}

function taskLines(book: Book, t: TaskRow, names: Map<string, string>): void {
  book.field('承办单位', `${names.get(t.departmentId) ?? t.departmentId}（${ROLE[t.role] ?? t.role}）`);
  book.field('状态', TASK_STATUS[t.status] ?? t.status);
  book.field('灯色', `${LIGHT[t.light] ?? t.light}${t.lightReasonZh ? `（${t.lightReasonZh}）` : ''}`, LIGHT_COLOR[t.light]);
  book.field('签收期限', chinaTime(t.signDueAt));
  book.field('预警时间', chinaTime(t.warnAt));
  book.field('办理期限', t.postponed ? `${chinaTime(t.dueAt)}（原期限 ${chinaTime(t.originalDueAt)}，已延期）` : chinaTime(t.dueAt));
  book.field('办结情况', t.outcome ? `${OUTCOME[t.outcome] ?? t.outcome}，${chinaTime(t.acceptedAt)}` : '未办结');
  book.field('曾亮红灯', t.redEver ? '是' : '否', t.redEver ? LIGHT_COLOR.red : undefined);
  book.field('签收 / 提交 / 通过', `${chinaTime(t.signedAt)} / ${chinaTime(t.submittedAt)} / ${chinaTime(t.acceptedAt)}`);
  book.field('催办 / 退回次数', `${t.urgeCount} / ${t.returnCount}`);
  if (t.transferredTo) book.field('转办至', names.get(t.transferredTo) ?? t.transferredTo);
  book.doc.moveDown(0.5);
}

/** The body of one item: overview, tasks, timeline (and appendix), under headings at `level`. */
function itemBody(book: Book, data: DossierData, level: number, appendix: AppendixSection[]): void {
  const { item, tasks, events, departmentNames: names } = data;
  const doc = book.doc;
  // In a dossier the sections are top-level headings; in a volume they sit under the item's.
  const sub = level === 1 ? 1 : 2;
  book.heading('事项概况', sub);
  book.field('编号', item.code);
  book.field('类别', KIND[item.kind] ?? item.kind);
  book.field('标题', item.title);
  book.field('来源', item.source);
  book.field('交办领导', data.issuerName ?? item.issuedBy);
  book.field('状态', ITEM_STATUS[item.status] ?? item.status);
  book.field('灯色', LIGHT[item.light] ?? item.light, LIGHT_COLOR[item.light]);
  book.field('办理期限', chinaTime(item.dueAt));
  book.field('立项时间', chinaTime(item.createdAt));
  book.field('办结时间', chinaTime(item.completedAt));
  if (item.cancelledAt) book.field('撤销时间', chinaTime(item.cancelledAt));
  book.field('是否公开', item.public ? '公开' : '不公开');
  book.field('曾亮红灯', item.redEver ? '是' : '否');
  if (item.description) {
    doc.moveDown(0.3).font(FONT_BOLD).text('事项内容：').font(FONT_REGULAR).text(item.description);
  }

  book.heading(`承办任务（${tasks.length}）`, sub);
  tasks.forEach((t, i) => {
    doc.font(FONT_BOLD).fontSize(11.5).text(`任务 ${i + 1}`).font(FONT_REGULAR).fontSize(10.5);
    taskLines(book, t, names);
  });

  book.heading(`办理记录（${events.length}）`, sub);
  const taskDept = new Map(tasks.map((t) => [t.id, names.get(t.departmentId) ?? t.departmentId]));
  for (const e of events) {
    const where = e.taskId ? `［${taskDept.get(e.taskId) ?? '任务'}］` : '［事项］';
    doc.font(FONT_BOLD).fontSize(10).fillColor('#333').text(`${chinaTime(e.at)}  ${where} ${EVENT[e.type] ?? e.type}`, { continued: true });
    doc.font(FONT_REGULAR).fillColor('#555').text(`  —  ${e.actorName}（${ACTOR_ROLE[e.actorRole] ?? e.actorRole}）`);
    const detail = eventDetail(e);
    if (detail) doc.fillColor('#000').fontSize(10).text(detail, { indent: 18 });
    doc.fillColor('#000').fontSize(10.5).moveDown(0.25);
  }

  accountabilitySection(book, data, sub);

  for (const section of appendix) {
    book.heading(section.title, sub);
    if (section.render) section.render(doc);
    for (const p of section.paragraphs ?? []) doc.font(FONT_REGULAR).fontSize(9.5).text(p).moveDown(0.2);
  }
}

/** 问责情况: every action on the item's tasks, withdrawn ones marked, each with its trail. */
function accountabilitySection(book: Book, data: DossierData, level: number): void {
  const doc = book.doc;
  book.heading(`问责情况（${data.accountability.length}）`, level);
  if (data.accountability.length === 0) doc.font(FONT_REGULAR).fontSize(10).text('无');
  for (const { action: a, departmentName } of data.accountability) {
    const withdrawn = a.status === 'withdrawn';
    doc.font(FONT_BOLD).fontSize(10.5).fillColor(withdrawn ? '#666' : '#000').text(`${chinaTime(a.decidedAt)}  ${ACCOUNTABILITY_KIND_WORDS[a.kind].zh}${withdrawn ? '（已撤销）' : ''}`);
    doc.font(FONT_REGULAR).fontSize(10).fillColor('#000');
    book.field('被问责单位', departmentName);
    book.field('责任人', a.personName);
    book.field('问责事由', a.reason);
    book.field('问责决定', a.decision);
    for (const e of a.trail) {
      const words = accountabilityWords(e.type, { kind: a.kind, personName: a.personName, departmentName }, e.note);
      doc.fillColor('#555').fontSize(9.5).text(`${chinaTime(e.at)}  ${e.actor.name}（${ACTOR_ROLE[e.actor.role] ?? e.actor.role}）：${words.zh}`, { indent: 18 });
    }
    doc.fillColor('#000').fontSize(10.5).moveDown(0.3);
  }
}

/** The dossier of one item; `appendix` sections come last (e.g. the raw history). */
export async function renderDossierPdf(data: DossierData, options: DossierOptions = {}): Promise<Buffer> {
  const { item } = data;
  const appendix = options.appendix ?? [];
  const book = new Book(`督查督办电子案卷 ${item.code}`);
  cover(
    book,
    '督查督办电子案卷',
    [
      ['事项编号', item.code],
      ['事项标题', item.title],
      ['事项类别', KIND[item.kind] ?? item.kind],
      ['交办领导', data.issuerName ?? item.issuedBy],
      ['立项时间', chinaTime(item.createdAt)],
      ['当前状态', ITEM_STATUS[item.status] ?? item.status],
    ],
    options.now ?? new Date(),
  );
  book.reserveContents(4 + appendix.length);
  book.doc.addPage();
  itemBody(book, data, 1, appendix);
  return book.finish();
}

export interface VolumeSpec {
  title: string;
  /** Lines under the cover title (what the volume holds). */
  description: [string, string][];
  itemCount: number;
  /** Set when more items matched than one volume binds: the volume holds the first `itemCount`. */
  capped?: { matched: number; limit: number; firstLeftOutAt: Date | null };
  now?: Date;
}

/** The cover's warning that a volume does not hold every matching item, and where the rest begin. */
export function cappedNotice(held: number, capped: NonNullable<VolumeSpec['capped']>): string {
  const rest = capped.matched - held;
  const from = capped.firstLeftOutAt ? `（自 ${chinaTime(capped.firstLeftOutAt)} 立项的事项起）` : '';
  return (
    `注意：本卷未收录全部符合条件的事项。符合条件的事项共 ${capped.matched} 件，超过每卷上限 ${capped.limit} 件，` +
    `本卷只收录按立项时间排列的前 ${held} 件；其余 ${rest} 件${from}请缩小立项时间范围另行导出。`
  );
}

/**
 * One PDF for many items: cover, contents (one line per item), then each item on its own pages.
 * `items` is consumed one at a time (so memory holds one item's rows); `onItem` reports progress.
 */
export async function renderVolumePdf(spec: VolumeSpec, items: AsyncIterable<DossierData>, onItem: (done: number) => Promise<void> | void): Promise<Buffer> {
  const book = new Book(spec.title);
  const count = spec.capped ? `本卷收录 ${spec.itemCount} 件（符合条件的共 ${spec.capped.matched} 件）` : `${spec.itemCount} 件`;
  cover(book, spec.title, [...spec.description, ['事项数量', count]], spec.now ?? new Date(), spec.capped && cappedNotice(spec.itemCount, spec.capped));
  book.reserveContents(spec.itemCount);
  let done = 0;
  for await (const data of items) {
    book.doc.addPage();
    const doc = book.doc;
    // The item's own heading is its line in the contents.
    book.heading(`${data.item.code}  ${data.item.title}`, 1);
    doc.font(FONT_REGULAR).fontSize(10.5);
    itemBody(book, data, 2, []);
    done += 1;
    await onItem(done);
  }
  if (spec.itemCount === 0) book.doc.addPage().font(FONT_REGULAR).fontSize(12).text('没有符合条件的事项。');
  return book.finish();
}
