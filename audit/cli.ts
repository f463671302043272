/**
 * `npm run audit -- <command>`: the auditor's terminal.
 *   history <itemId|code> [--lang zh|en] [--raw]   the item's events in plain words
 *   state <itemId|code> --at <eventRef|ISO>         the item's state at that point (JSON)
 *   verify <itemId|code> | --all                    replayer + read-model check (exit 1 when not ok)
 *   rebuild [--items id1,id2]                       rebuild the read model from Temporal (+ archive)
 *   archive <itemId|code> | --closed                archive histories to Postgres
 * Errors are one line on stderr with a non-zero exit: 2 = bad input or unknown item, 3 = a service
 * is unreachable, 1 = verification found differences.
 */
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig, type Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { connectDatabase, type DatabaseHandle } from '../db/client';
import { progressLine } from '../scripts/progress';
import { archiveClosedItems, archiveItem, ArchiveIntegrityError } from '../archive/store';
import { ItemNotFoundError } from '../archive/histories';
import { allItemIds, rebuildReadModel } from './rebuild';
import { pickLang } from './render';
import { ReplayPointError } from './replay';
import { itemHistory, itemStateAt, itemVerification, resolveItemId, type AuditDeps } from './service';

class UsageError extends Error {}
class UnreachableError extends Error {}

const USAGE = 'usage: npm run audit -- history <item> [--lang en] | state <item> --at <ref|ISO> | verify <item>|--all | rebuild [--items a,b] | archive <item>|--closed';

function parseArgs(argv: string[]) {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const next = argv[i + 1];
      if (inline !== undefined) flags.set(name, inline);
      else if (['lang', 'at', 'items'].includes(name) && next !== undefined) {
        flags.set(name, next);
        i++;
      } else flags.set(name, true);
    } else positional.push(a);
  }
  return { command: positional[0], target: positional[1], flags };
}

async function connect(config: Config): Promise<{ deps: AuditDeps; close(): Promise<void>; database: DatabaseHandle }> {
  const database = connectDatabase(config.DATABASE_URL, { max: 2 });
  try {
    await database.sql`select 1`;
  } catch (error) {
    await database.close();
    throw new UnreachableError(`Postgres is not reachable at ${config.DATABASE_URL.replace(/\/\/[^@]*@/, '//')}: ${(error as Error).message}`);
  }
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...(await temporalConnectionOptions(config)), connectTimeout: '5 seconds' });
    await connection.healthService.check({});
  } catch (error) {
    await database.close();
    throw new UnreachableError(`Temporal is not reachable at ${config.TEMPORAL_ADDRESS}: ${(error as Error).message.split('\n')[0]}`);
  }
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  return {
    deps: { client, db: database.db },
    database,
    async close() {
      await connection.close();
      await database.close();
    },
  };
}

async function run(argv: string[]): Promise<number> {
  const { command, target, flags } = parseArgs(argv);
  if (!command || command === 'help' || flags.has('help')) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // The CLI needs no session secret; the one config module still validates everything else.
  const config = loadConfig({ SESSION_SECRET: 'audit-cli-does-not-sign-sessions-000000', ...process.env });
  const needsTarget = ['history', 'state'].includes(command) || (['verify', 'archive'].includes(command) && !flags.has('all') && !flags.has('closed'));
  if (!['history', 'state', 'verify', 'rebuild', 'archive'].includes(command)) throw new UsageError(`unknown command "${command}". ${USAGE}`);
  if (needsTarget && !target) throw new UsageError(`${command} needs an item id or code. ${USAGE}`);
  const conn = await connect(config);
  try {
    const { deps } = conn;
    switch (command) {
      case 'history': {
        const lang = pickLang(typeof flags.get('lang') === 'string' ? (flags.get('lang') as string) : undefined, process.env.LANG?.replace('_', '-'));
        const view = await itemHistory(deps, target!, lang, { raw: flags.has('raw') });
        if (flags.has('json')) console.log(JSON.stringify(view, null, 2));
        else {
          console.log(lang === 'zh' ? `事项 ${view.itemId}（来源：${view.source === 'temporal' ? 'Temporal' : '归档'}，时区 ${view.timeZone}）` : `item ${view.itemId} (from ${view.source}, times in ${view.timeZone})`);
          for (const e of view.events) console.log(`${e.text}   [${e.ref}]${flags.has('raw') ? `\n    ${JSON.stringify(e.payload)}` : ''}`);
        }
        return 0;
      }
      case 'state': {
        const at = flags.get('at');
        if (typeof at !== 'string') throw new UsageError(`state needs --at <eventRef|ISO time>. ${USAGE}`);
        console.log(JSON.stringify(await itemStateAt(deps, target!, at), null, 2));
        return 0;
      }
      case 'verify': {
        const ids = flags.has('all') ? await allItemIds(deps.client, deps.db) : [await resolveItemId(deps.db, target!)];
        const show = progressLine('verify');
        let bad = 0;
        for (const [i, id] of ids.entries()) {
          const r = await itemVerification(deps, id);
          const ok = r.replay.ok && r.readModel.ok;
          if (!ok) bad++;
          if (ids.length === 1 || !ok) {
            console.log(`${id}: replay ${r.replay.ok ? 'ok' : 'FAILED'} (${r.replay.details.length} runs, from ${r.source}), read model ${r.readModel.ok ? 'ok' : 'DIFFERS'}`);
            for (const d of r.replay.details.filter((x) => !x.ok)) console.log(`  replay ${d.workflowId} ${d.runId}: ${d.error}`);
            for (const d of r.readModel.differences) console.log(`  ${d.table} ${d.id} ${d.field}: read model ${JSON.stringify(d.readModel)}, workflow ${JSON.stringify(d.workflow)}`);
          }
          show(`${i + 1}/${ids.length} items`);
        }
        show.done(`${ids.length} items verified, ${bad} with problems`);
        return bad === 0 ? 0 : 1;
      }
      case 'rebuild': {
        const items = flags.get('items');
        const itemIds = typeof items === 'string' ? items.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
        const show = progressLine('rebuild');
        const report = await rebuildReadModel(deps, {
          ...(itemIds ? { itemIds } : {}),
          onProgress: (p) => show(`${p.done}/${p.total} items (${p.itemId})`),
        });
        show.done(`${report.items.length} items rebuilt (${report.items.reduce((n, i) => n + i.tasks, 0)} tasks, ${report.items.reduce((n, i) => n + i.events, 0)} events), ${report.failed.length} failed`);
        for (const f of report.failed) console.error(`  ${f.itemId}: ${f.error}`);
        return report.failed.length === 0 ? 0 : 1;
      }
      case 'archive': {
        if (flags.has('closed')) {
          const show = progressLine('archive');
          const results = await archiveClosedItems(deps.client, deps.db, (p) => show(`${p.done}/${p.total} closed items`));
          show.done(`${results.length} closed items archived (${results.reduce((n, r) => n + r.written, 0)} runs written)`);
        } else {
          const r = await archiveItem(deps.client, deps.db, await resolveItemId(deps.db, target!));
          console.log(`${r.itemId}: ${r.runs} runs archived (${r.written} written)`);
        }
        return 0;
      }
    }
    return 2;
  } finally {
    await conn.close();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || error instanceof ItemNotFoundError || error instanceof ReplayPointError) {
    console.error(`audit: ${message}`);
    process.exitCode = 2;
  } else if (error instanceof UnreachableError) {
    console.error(`audit: ${message}`);
    process.exitCode = 3;
  } else if (error instanceof ConfigError) {
    console.error(`audit: invalid configuration: ${error.issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`);
    process.exitCode = 2;
  } else if (error instanceof ArchiveIntegrityError) {
    console.error(`audit: ${message}`);
    process.exitCode = 1;
  } else {
    console.error(`audit: ${message.split('\n')[0]}`);
    process.exitCode = 1;
  }
}
// The replayer's native runtime may keep the event loop alive; the answer is printed by now.
process.exit(process.exitCode ?? 0);
