import { hotspots, pinnedTopic, type HotspotDocument } from '../../../assist/hotspots';
import { keywords } from '../../../assist/tokenize';
import { historyFiledBetween, itemsLaunchedBetween } from '../../../db/queries/ai';
import { cachedTokens, deletePin, insertPin, listPins, storeTokens } from '../../../db/queries/hotspots';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError } from '../../errors';

/** The newest items of a window that are read; segmenting is ~1 ms a text, so keywords are cached per item. */
const MAX_ITEMS = 3000;
const ITEMS_PER_TOPIC = 20;

type WindowRow = Awaited<ReturnType<typeof itemsLaunchedBetween>>[number];

/** Each item's keywords: from the cache when its text is unchanged, else segmented now and cached. */
async function keywordsOf(deps: Pick<ApiDeps, 'database'>, rows: readonly WindowRow[]): Promise<Map<string, string[]>> {
  const cache = await cachedTokens(
    deps.database.db,
    rows.map((row) => row.id),
  );
  const fresh: Array<{ itemId: string; textHash: string; tokens: string[] }> = [];
  const result = new Map<string, string[]>();
  for (const row of rows) {
    const hit = cache.get(row.id);
    if (hit && hit.textHash === row.textHash) {
      result.set(row.id, hit.tokens);
      continue;
    }
    const tokens = keywords(`${row.title}\n${row.description}`);
    fresh.push({ itemId: row.id, textHash: row.textHash, tokens });
    result.set(row.id, tokens);
  }
  if (fresh.length) await storeTokens(deps.database.db, fresh);
  return result;
}

/** Imported past work orders filed in the window (an older system's last weeks), with their endorsements where known. */
async function importedDocuments(deps: Pick<ApiDeps, 'database'>, from: Date, to: Date): Promise<HotspotDocument[]> {
  const rows = await historyFiledBetween(deps.database.db, from, to, MAX_ITEMS);
  return rows.map((row) => ({
    id: `history:${row.id}`,
    tokens: keywords(`${row.title ?? ''}\n${row.text}`),
    at: row.filedAt!,
    departmentIds: [row.departmentId],
    endorsements: row.endorsements,
  }));
}

/** The last `days` days' topics for leaders: pinned topics first, then the top list; count, trend, endorsements (merged duplicates, imported likes), departments, items. */
export async function hotspotsOf(deps: Pick<ApiDeps, 'database'>, request: { days: number }, now = new Date()) {
  const from = new Date(now.getTime() - request.days * 86_400_000);
  const rows = await itemsLaunchedBetween(deps.database.db, from, now, MAX_ITEMS);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const tokens = await keywordsOf(deps, rows);
  const documents: HotspotDocument[] = [
    ...rows.map((row) => ({ id: row.id, tokens: tokens.get(row.id)!, at: row.createdAt, departmentIds: row.departmentIds, endorsements: row.endorsements })),
    ...(await importedDocuments(deps, from, now)),
  ];
  const endorsed = new Map(documents.map((d) => [d.id, d.endorsements ?? 0]));
  const endorsementsOf = (ids: readonly string[]) => ids.reduce((sum, id) => sum + (endorsed.get(id) ?? 0), 0);
  // Imported past work orders count in a topic but are no item to open.
  const itemsOf = (ids: readonly string[]) =>
    ids
      .filter((id) => byId.has(id))
      .slice(0, ITEMS_PER_TOPIC)
      .map((id) => ({ id, code: byId.get(id)!.code, title: byId.get(id)!.title }));
  const pins = await listPins(deps.database.db);
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    items: rows.length,
    pinned: pins.map((pin) => {
      const figures = pinnedTopic(documents, pin.words, { from, to: now });
      return {
        id: pin.id,
        words: pin.words,
        pinnedAt: pin.createdAt.toISOString(),
        count: figures.count,
        trend: figures.trend,
        endorsements: endorsementsOf(figures.ids),
        series: figures.series,
        departmentIds: figures.departmentIds,
        items: itemsOf(figures.ids),
      };
    }),
    topics: hotspots(documents, { from, to: now }).map((topic) => ({
      words: topic.words,
      count: topic.count,
      trend: topic.trend,
      endorsements: topic.endorsements,
      departmentIds: topic.departmentIds,
      items: itemsOf(topic.ids),
    })),
  };
}

/** Pins a topic by its words (the first is the one that gathered it). */
export async function pinHotspot(deps: ApiDeps, user: SessionUser, body: { words: string[] }) {
  const words = [...new Set(body.words.map((w) => w.trim().toLowerCase()).filter(Boolean))];
  if (!words.length) throw fieldError('validation_failed', 'body.words', 'at least one word', '至少需要一个词', 'body.words needs at least one word');
  const pin = await insertPin(deps.database.db, words, user.id);
  return { id: pin.id, words: pin.words, pinnedAt: pin.createdAt.toISOString() };
}

export async function unpinHotspot(deps: ApiDeps, id: string): Promise<void> {
  if (!(await deletePin(deps.database.db, id))) throw new AppError('not_found', 'No such pinned topic.');
}
