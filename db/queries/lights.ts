// Lights as of the moment of reading (issue 16): every read path takes a task's or an item's light
// through one of these, never as stored. A stored light lags its schedule until the timer that
// records the change lands; the schedule's instants (yellow_at, red_at) say when it changed.
//   - in SQL (filters, counts, drill-downs): effectiveLightSql, the Postgres function
//     effective_light of migration 0020;
//   - on rows read whole: taskAsRead / itemAsRead, through domain effectiveLight (the same rule).
import { sql, type SQL } from 'drizzle-orm';
import { effectiveLight, pendingInstants, type Light, type LightReason } from '../../domain';
import type { ItemRow, TaskRow } from '../schema/items';

/** A column or an expression (e.g. `t.light` under an alias). */
type Operand = SQL | SQL.Aliased | { getSQL(): SQL };

/** The light at `at` (a timestamptz expression) from a stored light and its schedule's instants. */
export function effectiveLightSql(columns: { light: Operand; yellowAt: Operand; redAt: Operand }, at: SQL): SQL<Light> {
  return sql<Light>`effective_light(${columns.light}, ${columns.yellowAt}, ${columns.redAt}, ${at})`;
}

/** The same for a row under an alias in hand-written SQL (`t` → t.light, t.yellow_at, t.red_at). */
export function effectiveLightOfAlias(alias: string, at: SQL): SQL<Light> {
  const c = (column: string) => sql.raw(`${alias}.${column}`);
  return effectiveLightSql({ light: c('light'), yellowAt: c('yellow_at'), redAt: c('red_at') }, at);
}

/** An instant as a bound timestamptz parameter. */
export function instantSql(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

/**
 * A row of the open tasks (or items) whose light a passed instant has overtaken but whose timer has
 * not landed: the set the count roll-ups adjust for, a range scan of the partial indexes
 * *_yellow_pending_idx and *_red_pending_idx up to `at`. `alias` names the table in the statement.
 */
export function overtakenSql(alias: string, at: SQL): SQL {
  const c = (column: string) => sql.raw(`${alias}.${column}`);
  return sql`((${c('light')} = 'green' and ${c('yellow_at')} <= ${at}) or (${c('light')} <> 'red' and ${c('red_at')} <= ${at}))`;
}

export interface TaskAsRead extends TaskRow {
  /** The schedule's instants still ahead of the light as read (null: already so, or never). */
  nextYellowAt: Date | null;
  nextRedAt: Date | null;
}

const ON_TRACK: LightReason = { code: 'on_track', en: 'on track', zh: '正常推进' };

/** A task row with its light and reason as of `now` (and the instants a screen must still flip at). */
export function taskAsRead(row: TaskRow, now: Date): TaskAsRead {
  const schedule = {
    yellow: row.yellowAt && { at: row.yellowAt.getTime(), reason: row.yellowReason ?? ON_TRACK },
    red: row.redAt && { at: row.redAt.getTime(), reason: row.redReason ?? ON_TRACK },
  };
  const stored = { light: row.light as Light, reason: { code: row.lightReasonCode, en: row.lightReasonEn, zh: row.lightReasonZh } as LightReason };
  const { light, reason } = effectiveLight({ ...stored, schedule }, now.getTime());
  const next = pendingInstants(light, schedule);
  return {
    ...row,
    light,
    lightReasonCode: reason.code,
    lightReasonEn: reason.en,
    lightReasonZh: reason.zh,
    redEver: row.redEver || light === 'red',
    nextYellowAt: next.yellow && new Date(next.yellow.at),
    nextRedAt: next.red && new Date(next.red.at),
  };
}

/** An item row with its light (and red_ever) as of `now`. */
export function itemAsRead(row: ItemRow, now: Date): ItemRow {
  const schedule = {
    yellow: row.yellowAt && { at: row.yellowAt.getTime(), reason: ON_TRACK },
    red: row.redAt && { at: row.redAt.getTime(), reason: ON_TRACK },
  };
  const { light } = effectiveLight({ light: row.light as Light, reason: ON_TRACK, schedule }, now.getTime());
  return { ...row, light, redEver: row.redEver || light === 'red' };
}
