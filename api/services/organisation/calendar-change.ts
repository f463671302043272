/**
 * After an admin changed a year's working-day overrides: every open task whose due date was given
 * in working days, and whose clock spans that year, gets its deadlines recomputed on the new
 * calendar (domain recomputeDeadlines, here, outside workflow code) and its workflow is told by the
 * `deadlinesRecomputed` signal, which re-arms its timers and records the change with its reason.
 */
import { listOpenWorkingDayTasks } from '../../../db/queries/items';
import { compileCalendar, isClosedStatus, recomputeDeadlines, type WorkCalendar } from '../../../domain';
import { deadlinesRecomputedSignal, taskDetailQuery } from '../../../workflows/definitions';
import type { ApiDeps } from '../../deps';
import { loadWorkCalendar, type ProposedYear } from './calendar';

const CHINA_OFFSET_MS = 8 * 3_600_000;
const chinaYear = (d: Date) => new Date(d.getTime() + CHINA_OFFSET_MS).getUTCFullYear();
const startOfChinaYear = (year: number) => new Date(Date.UTC(year, 0, 1) - CHINA_OFFSET_MS);
/** Tasks told at once: enough to be quick, few enough not to flood the server. */
const CONCURRENCY = 16;
/** A task workflow that does not answer its query in time (no worker?) is skipped, not waited for. */
const QUERY_TIMEOUT_MS = 5_000;

type CalendarChangeDeps = Pick<ApiDeps, 'database' | 'temporal'>;

/** The deadlines the task would get on this calendar, or null (closed, unchanged, or unreachable). */
async function recomputed(deps: CalendarChangeDeps, workflowId: string, calendar: WorkCalendar) {
  const handle = deps.temporal.workflow.getHandle(workflowId);
  // The workflow's own state (policy, start, extensions), not the read model's copy of it.
  const state = await deps.temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(taskDetailQuery));
  if (isClosedStatus(state.status)) return null;
  return recomputeDeadlines(state, calendar);
}

/** Every open working-day task whose clock spans the year, with its deadlines on the (new) calendar. */
async function forEachRecomputed(
  deps: CalendarChangeDeps,
  year: number,
  proposed: ProposedYear | undefined,
  onTask: (workflowId: string, next: NonNullable<Awaited<ReturnType<typeof recomputed>>>) => Promise<void>,
): Promise<number> {
  const open = await listOpenWorkingDayTasks(deps.database.db, startOfChinaYear(year), startOfChinaYear(year + 1));
  if (open.length === 0) return 0;
  const fromYear = Math.min(year, ...open.map((t) => chinaYear(t.startedAt)));
  // A recomputed deadline can move past the latest current one (new holidays): one more year of margin.
  const toYear = Math.max(year, ...open.map((t) => chinaYear(t.dueAt))) + 1;
  const calendar = compileCalendar(await loadWorkCalendar(deps.database.db, fromYear, toYear, proposed));

  let count = 0;
  const queue = [...open];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) {
      // A task whose workflow is gone or unreachable keeps its deadlines; the others still get theirs.
      const ok = await recomputed(deps, task.workflowId, calendar)
        .then(async (next) => {
          if (!next) return false;
          await onTask(task.workflowId, next);
          return true;
        })
        .catch(() => false);
      if (ok) count += 1;
    }
  });
  await Promise.all(workers);
  return count;
}

/** Returns how many task workflows were told of new deadlines. */
export async function onCalendarChanged(deps: CalendarChangeDeps, year: number): Promise<number> {
  const reason = `working-day calendar ${year} changed by an admin (${year}年工作日历已调整)`;
  return forEachRecomputed(deps, year, undefined, async (workflowId, next) => {
    await deps.temporal.workflow.getHandle(workflowId).signal(deadlinesRecomputedSignal, { ...next, reason });
  });
}

/** The dry run of a change: how many open tasks would get new deadlines. Nothing is saved or told. */
export async function countCalendarChangeImpact(deps: CalendarChangeDeps, proposed: ProposedYear): Promise<number> {
  return forEachRecomputed(deps, proposed.year, proposed, async () => {});
}
