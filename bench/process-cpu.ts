/**
 * CPU time by process group, read from /proc (Linux): how many CPU milliseconds the API, the worker,
 * Temporal's server, Postgres, Redis and the bench itself spent while a phase ran. Divided by the
 * phase's requests, it shows which process a route's latency is really spent in on a shared machine.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU times in 1/100 s on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

export type ProcessGroups = Record<string, (process: { pid: number; comm: string; cmdline: string }) => boolean>;

/** CPU milliseconds (user + system) spent so far by the processes of each group, at this moment. */
export function cpuMillisByGroup(groups: ProcessGroups): Record<string, number> {
  const totals = Object.fromEntries(Object.keys(groups).map((name) => [name, 0]));
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
    if (group) totals[group]! += millis;
  }
  return totals;
}

/** What each group spent between two snapshots. */
export function cpuMillisSpent(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - (before[name] ?? 0)]));
}
