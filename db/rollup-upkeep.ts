/**
 * Upkeep of the two count roll-ups (the item list's items_list_counts, migration 0017; the standing
 * book's standing_book_months, 0012/0016) and their delta tables.
 *
 * Why it exists: every compaction deletes all the deltas and rewrites the count rows they touch, so
 * these small tables churn through their whole content again and again. After a burst (an import of
 * 100,000 items in one statement) their files and indexes stay thousands of pages long around a few
 * hundred live rows, and VACUUM alone does not shorten a file whose last pages still hold rows. The
 * planner then prices the delta table's index by its bloated size and scans the whole file on every
 * list total instead: on bench/api.ts that made the list's p95 117 ms against 79 ms with the tables
 * compact (2 cores, 50 clients). Autovacuum would keep up in most places, but a server may run with
 * it off, and no autovacuum ever rewrites a bloated table.
 *
 * One pass: fold the deltas into the counts (the same functions the triggers call), VACUUM (ANALYZE)
 * the four tables (frees space, truncates empty tails, fresh statistics), and rewrite with VACUUM FULL
 * any table still much longer than its rows need: it takes an exclusive lock for the few
 * milliseconds the rewrite of a small table takes, and gives up after `lockTimeoutMs` of waiting for
 * it (the lists keep answering; the next pass tries again). One pass at a time across every process
 * (a session advisory lock), so any number of workers may schedule it.
 */
import type postgres from 'postgres';
import type { DatabaseHandle } from './client';
import { compactStandingBook } from './queries/dashboard';
import { compactItemListCounts } from './queries/items';

export const ROLLUP_TABLES = [
  'items_list_count_deltas',
  'items_list_counts',
  'standing_book_month_deltas',
  'standing_book_months',
] as const;
export type RollupTable = (typeof ROLLUP_TABLES)[number];

const UPKEEP_LOCK = 1768711030; // 'ilcu': one upkeep pass at a time
/** Rows of these tables are under 120 bytes: 50 a page is a generous lower bound. */
const ROWS_PER_PAGE_AT_LEAST = 50;
/** A table whose files are this many times longer than its rows need (and over SMALL_FILE_PAGES) is rewritten. */
const BLOAT_FACTOR = 4;
const SMALL_FILE_PAGES = 32;

export interface TableUpkeep {
  table: RollupTable;
  /** Heap and index pages before the pass and after it. */
  pagesBefore: number;
  pagesAfter: number;
  rewritten: boolean;
  /** The rewrite was due but its lock was not had within the timeout; the next pass tries again. */
  deferred: boolean;
}

export interface UpkeepReport {
  /** False when another pass was running (in this or another process). */
  ran: boolean;
  folded: { itemList: number; standingBook: number };
  tables: TableUpkeep[];
}

interface TableSize {
  /** Heap and index pages. */
  pages: number;
  rows: number;
  relations: number;
}

async function sizeOf(connection: postgres.ReservedSql, table: RollupTable): Promise<TableSize> {
  const [row] = await connection<{ pages: number; rows: number; relations: number }[]>`
    select (pg_total_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
           greatest(c.reltuples, 0)::int as rows,
           1 + (select count(*) from pg_index i where i.indrelid = c.oid)::int as relations
    from pg_class c where c.oid = ${table}::regclass`;
  return row!;
}

/** VACUUM frees space in the heap and indexes but shortens neither an index nor a heap whose last pages hold rows. */
function bloated(size: TableSize): boolean {
  const needed = size.relations * (Math.ceil(size.rows / ROWS_PER_PAGE_AT_LEAST) + 1);
  return size.pages > SMALL_FILE_PAGES && size.pages > BLOAT_FACTOR * needed;
}

const LOCK_NOT_AVAILABLE = '55P03';

/** One upkeep pass (see the file's comment). VACUUM cannot run in a transaction: `database` must not be one. */
export async function upkeepRollups(
  database: Pick<DatabaseHandle, 'db' | 'sql'>,
  options: { lockTimeoutMs?: number } = {},
): Promise<UpkeepReport> {
  const lockTimeoutMs = Math.max(1, Math.round(options.lockTimeoutMs ?? 100));
  const connection = await database.sql.reserve();
  try {
    const [lock] = await connection<{ got: boolean }[]>`select pg_try_advisory_lock(${UPKEEP_LOCK}) as got`;
    if (!lock?.got) return { ran: false, folded: { itemList: 0, standingBook: 0 }, tables: [] };
    try {
      const [itemList, standingBook] = await Promise.all([compactItemListCounts(database.db), compactStandingBook(database.db)]);
      const tables: TableUpkeep[] = [];
      for (const table of ROLLUP_TABLES) {
        const before = await sizeOf(connection, table);
        await connection.unsafe(`vacuum (analyze) ${table}`);
        const vacuumed = await sizeOf(connection, table);
        let rewritten = false;
        let deferred = false;
        if (bloated(vacuumed)) {
          await connection.unsafe(`set lock_timeout = ${lockTimeoutMs}`);
          try {
            await connection.unsafe(`vacuum (full, analyze) ${table}`);
            rewritten = true;
          } catch (error) {
            if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
            deferred = true;
          } finally {
            await connection.unsafe('reset lock_timeout');
          }
        }
        const after = rewritten ? await sizeOf(connection, table) : vacuumed;
        tables.push({ table, pagesBefore: before.pages, pagesAfter: after.pages, rewritten, deferred });
      }
      return { ran: true, folded: { itemList, standingBook }, tables };
    } finally {
      await connection`select pg_advisory_unlock(${UPKEEP_LOCK})`;
    }
  } finally {
    connection.release();
  }
}

/**
 * Runs a pass every `intervalMs` (the first soon after start), one after another, never two at once
 * in this process. A failed pass is logged and the schedule goes on.
 */
export function scheduleRollupUpkeep(
  database: Pick<DatabaseHandle, 'db' | 'sql'>,
  intervalMs: number,
  log: (message: string, details?: Record<string, unknown>) => void,
): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  const pass = async () => {
    try {
      const report = await upkeepRollups(database);
      // Folding and vacuuming are routine; a rewrite (or one put off) is worth a line.
      const notable = report.tables.filter((t) => t.rewritten || t.deferred);
      if (notable.length > 0) log('roll-up upkeep', { folded: report.folded, tables: notable });
    } catch (error) {
      log('roll-up upkeep failed', { error: (error as Error).message });
    }
  };
  const next = (delayMs: number) => {
    if (closed) return;
    timer = setTimeout(() => {
      running = pass().then(() => next(intervalMs));
    }, delayMs);
    timer.unref();
  };
  next(Math.min(intervalMs, 5_000));
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
