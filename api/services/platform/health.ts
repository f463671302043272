import { countProjectionFailures } from '../../../db/queries/projection-failures';
import type { Role } from '../../authz';
import type { ApiDeps } from '../../deps';

export type PartStatus = 'ok' | string;
export interface HealthReport {
  status: 'ok' | 'unavailable';
  temporal: PartStatus;
  database: PartStatus;
  redis: PartStatus;
  failing: string[];
}

const PART_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, part: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${part} did not answer within ${PART_TIMEOUT_MS} ms`)), PART_TIMEOUT_MS),
    ),
  ]);
}

async function check(part: string, probe: () => Promise<unknown>): Promise<PartStatus> {
  try {
    await withTimeout(probe(), part);
    return 'ok';
  } catch (error) {
    return `unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Asks each part once, in parallel; the report names every part that did not answer. */
export async function checkHealth(deps: Pick<ApiDeps, 'temporalProbe' | 'database' | 'redis' | 'config'>): Promise<HealthReport> {
  const [temporal, database, redis] = await Promise.all([
    check('temporal', () =>
      deps.temporalProbe.withDeadline(Date.now() + PART_TIMEOUT_MS, () =>
        deps.temporalProbe.workflowService.describeNamespace({ namespace: deps.config.TEMPORAL_NAMESPACE }),
      ),
    ),
    check('database', () => deps.database.sql`select 1`),
    check('redis', () => deps.redis.ping()),
  ]);
  const parts = { temporal, database, redis };
  const failing = Object.entries(parts)
    .filter(([, status]) => status !== 'ok')
    .map(([name]) => name);
  return { status: failing.length === 0 ? 'ok' : 'unavailable', ...parts, failing };
}

/** Each part as "ok" or "unavailable", without the error that says why. */
export function withoutCauses(report: HealthReport): HealthReport {
  const plain = (status: PartStatus) => (status === 'ok' ? 'ok' : 'unavailable');
  return { ...report, temporal: plain(report.temporal), database: plain(report.database), redis: plain(report.redis) };
}

/** How many workflows' read-model writes failed for good; undefined when the database does not answer. */
async function projectionFailureCount(deps: Pick<ApiDeps, 'database'>): Promise<number | undefined> {
  try {
    return await withTimeout(countProjectionFailures(deps.database.db), 'database');
  } catch {
    return undefined;
  }
}

/**
 * What a caller sees: anonymous only up or down — the contract's every-part-"ok" answer while all is
 * well, only `{status}` once a part fails (which part would help an attacker); a signed-in user each
 * part up or down; an admin also why (addresses, driver messages) and how many projections failed for good.
 */
export async function reportFor(
  deps: Pick<ApiDeps, 'database'>,
  role: Role | null,
  report: HealthReport,
): Promise<Partial<HealthReport> & Pick<HealthReport, 'status'> & { projectionFailures?: number }> {
  if (role === null) return report.status === 'ok' ? withoutCauses(report) : { status: report.status };
  if (role !== 'admin') return withoutCauses(report);
  return { ...report, projectionFailures: await projectionFailureCount(deps) };
}
