// What the audit routes and the CLI call: one function per question, each from the histories alone.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { historyToJSONValue } from '../archive/history-json';
import type { Database } from '../db/client';
import type { AppendixSection } from '../jobs/exports/dossier-pdf';
import { departments } from '../db/schema/org';
import { items } from '../db/schema/items';
import { eventsOf, ItemNotFoundError, type ItemHistories } from '../archive/histories';
import { accountabilityLines, withAccountability } from './accountability-lines';
import { buildHistoryView, type HistoryView } from './history-view';
import { loadItemHistories } from './load';
import { nameBook, type Lang, type NameBook } from './render';
import { parseReplayPoint, replayItemAt, type ReplayedState } from './replay';
import { verifyItem, type VerifyReport } from './verify';
import { itemWorkflowId } from '../workflows/ids';

export interface AuditDeps {
  client: Client;
  db: Database;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An item id, or an item code looked up in the read model. */
export async function resolveItemId(db: Database, idOrCode: string): Promise<string> {
  if (UUID.test(idOrCode)) return idOrCode.toLowerCase();
  const [row] = await db.select({ id: items.id }).from(items).where(eq(items.code, idOrCode));
  if (!row) throw new ItemNotFoundError(idOrCode);
  return row.id;
}

export async function departmentNames(db: Database): Promise<NameBook> {
  return nameBook(await db.select({ id: departments.id, name: departments.name, nameEn: departments.nameEn }).from(departments));
}

export async function loadHistories(deps: AuditDeps, idOrCode: string): Promise<ItemHistories> {
  return loadItemHistories(deps, await resolveItemId(deps.db, idOrCode));
}

/** The workflows' history in words, with the item's accountability actions (recorded, revised, withdrawn) in their place. */
export async function itemHistory(deps: AuditDeps, idOrCode: string, lang: Lang, options: { raw?: boolean } = {}): Promise<HistoryView> {
  const itemId = await resolveItemId(deps.db, idOrCode);
  const [histories, names] = await Promise.all([loadItemHistories(deps, itemId), departmentNames(deps.db)]);
  const view = buildHistoryView(histories, lang, names, options);
  return { ...view, events: withAccountability(view.events, await accountabilityLines(deps.db, itemId, lang, names)) };
}

export async function itemStateAt(deps: AuditDeps, idOrCode: string, at: string): Promise<ReplayedState> {
  const itemId = await resolveItemId(deps.db, idOrCode);
  const point = parseReplayPoint(at, itemWorkflowId(itemId));
  return replayItemAt(await loadItemHistories(deps, itemId), point);
}

export async function itemVerification(deps: AuditDeps, idOrCode: string): Promise<VerifyReport> {
  return verifyItem(deps.db, await loadHistories(deps, idOrCode));
}

export type RawHistoryExport = {
  itemId: string;
  source: ItemHistories['source'];
  /** Each run's history exactly as `temporal workflow show --output json` writes it. */
  workflows: Array<{ workflowId: string; runId: string; kind: 'item' | 'task'; runIndex: number; eventCount: number; history: unknown }>;
};

export function rawExportOf(histories: ItemHistories): RawHistoryExport {
  return {
    itemId: histories.itemId,
    source: histories.source,
    workflows: histories.runs.map((r) => ({
      workflowId: r.workflowId,
      runId: r.runId,
      kind: r.kind,
      runIndex: r.runIndex,
      eventCount: eventsOf(r.history).length,
      history: historyToJSONValue(r.history),
    })),
  };
}

export async function rawHistories(deps: AuditDeps, idOrCode: string): Promise<RawHistoryExport> {
  return rawExportOf(await loadHistories(deps, idOrCode));
}

/** The dossier's raw-history appendix: per run, its sha256 (of the exported JSON) and every event on one line. */
export async function rawHistoryAppendix(deps: AuditDeps, itemId: string): Promise<AppendixSection[]> {
  const raw = await rawHistories(deps, itemId);
  const MAX_LINE = 1_500;
  return raw.workflows.map((w) => {
    const json = JSON.stringify(w.history);
    const events = ((w.history as { events?: Array<Record<string, unknown>> }).events ?? []).map((e) => {
      const line = JSON.stringify(e);
      return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (${line.length} chars; full text in GET /api/items/${raw.itemId}/history/raw)` : line;
    });
    return {
      title: `原始事件历史 Raw history: ${w.workflowId} · run ${w.runIndex + 1}`,
      paragraphs: [`run ${w.runId} · ${w.eventCount} events · sha256 ${createHash('sha256').update(json).digest('hex')} · source ${raw.source}`, ...events],
    };
  });
}
