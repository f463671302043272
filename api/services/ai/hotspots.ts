import { hotspots } from '../../../assist/hotspots';
import { keywords } from '../../../assist/tokenize';
import { itemsLaunchedBetween } from '../../../db/queries/ai';
import type { ApiDeps } from '../../deps';

/** The newest items of a window that are read; segmenting is ~1 ms a text. */
const MAX_ITEMS = 3000;
const ITEMS_PER_TOPIC = 20;

/** The last `days` days' topics for leaders: count, trend, departments involved, and their items. */
export async function hotspotsOf(deps: ApiDeps, request: { days: number }, now = new Date()) {
  const from = new Date(now.getTime() - request.days * 86_400_000);
  const rows = await itemsLaunchedBetween(deps.database.db, from, now, MAX_ITEMS);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const topics = hotspots(
    rows.map((row) => ({ id: row.id, tokens: keywords(`${row.title}\n${row.description}`), at: row.createdAt, departmentIds: row.departmentIds })),
    { from, to: now },
  );
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    items: rows.length,
    topics: topics.map((topic) => ({
      words: topic.words,
      count: topic.count,
      trend: topic.trend,
      departmentIds: topic.departmentIds,
      items: topic.ids.slice(0, ITEMS_PER_TOPIC).map((id) => ({ id, code: byId.get(id)!.code, title: byId.get(id)!.title })),
    })),
  };
}
