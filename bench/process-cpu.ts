/**
 * CPU time and write calls by process group, read from /proc (Linux): how many CPU milliseconds the
 * API, the worker, Temporal's server, Postgres, Redis and the bench itself spent while a phase ran,
 * and how many write system calls they made (each message to another process is at least one).
 * Divided by the phase's requests, it shows which process a route's latency is really spent in on a
 * shared machine, and how many messages between processes a request costs.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU times in 1/100 s on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

export type ProcessGroups = Record<string, (process: { pid: number; comm: string; cmdline: string }) => boolean>;

/** What the processes of a group have used so far. */
export interface Usage {
  /** CPU milliseconds, user + system. */
  cpuMillis: number;
  /** write(2)-family system calls (`syscw` of /proc/<pid>/io). */
  writeCalls: number;
}

/**
 * A process's write calls so far; NaN when they cannot be read: /proc/<pid>/io needs the rights to
 * trace the process (another user's Postgres, unless the bench runs as root), unlike its CPU times.
 */
function writeCallsOf(pid: string): number {
  try {
    return Number(/^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** What the processes of each group have used so far, at this moment. */
export function usageByGroup(groups: ProcessGroups): Record<string, Usage> {
  const totals = Object.fromEntries(Object.keys(groups).map((name): [string, Usage] => [name, { cpuMillis: 0, writeCalls: 0 }]));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // the process exited between the listing and the read
    }
    // comm is parenthesized and may itself contain spaces or parentheses: split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' '); // fields[0] is the state (field 3 of proc(5))
    const millis = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime
    const process = { pid: Number(entry), comm, cmdline };
    const group = Object.keys(groups).find((name) => groups[name]!(process));
    if (!group) continue;
    totals[group]!.cpuMillis += millis;
    totals[group]!.writeCalls += writeCallsOf(entry);
  }
  return totals;
}

/** What each group used between two snapshots. */
export function usageSpent(before: Record<string, Usage>, after: Record<string, Usage>): Record<string, Usage> {
  return Object.fromEntries(
    Object.entries(after).map(([name, now]): [string, Usage] => [
      name,
      { cpuMillis: now.cpuMillis - (before[name]?.cpuMillis ?? 0), writeCalls: now.writeCalls - (before[name]?.writeCalls ?? 0) },
    ]),
  );
}
