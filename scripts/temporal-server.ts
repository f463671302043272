/**
 * Starts Temporal's dev server with the settings of temporal-dev.yaml (or reuses one already
 * answering on the port), then makes the namespace match: retention and custom search attributes,
 * registered idempotently because start-dev ignores new --search-attribute flags on an existing
 * database file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import { dataDir, readDevSettings, type DevSettings } from './dev-settings';
import { ensureTemporalCli } from './temporal-cli';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;
const typeByName: Record<string, number> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export interface DevServerOptions {
  settings?: DevSettings;
  /** Overrides for tests: another port, an in-memory store (dbFile null), another namespace. */
  port?: number;
  uiPort?: number;
  dbFile?: string | null;
  namespace?: string;
  headless?: boolean;
  /** Where the server's own log goes. */
  logFile?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl: string | null;
  /** False when a server was already answering and we only reused it. */
  started: boolean;
  process: ChildProcess | null;
  stop(): Promise<void>;
}

export function portAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const settings = options.settings ?? readDevSettings();
  const log = options.log ?? console.log;
  const ip = settings.server.ip;
  const port = options.port ?? settings.server.port;
  const uiPort = options.uiPort ?? settings.server.uiPort;
  const namespace = options.namespace ?? settings.namespace.name;
  const dbFile = options.dbFile === undefined ? resolve(dataDir(), settings.server.dbFile) : options.dbFile;
  const address = `${ip}:${port}`;

  let child: ChildProcess | null = null;
  if (!(await portAnswers(ip, port))) {
    const bin = await ensureTemporalCli(log);
    const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--namespace', namespace, '--log-level', settings.server.logLevel];
    if (options.headless) args.push('--headless');
    else args.push('--ui-port', String(uiPort));
    if (dbFile) {
      mkdirSync(dirname(dbFile), { recursive: true });
      args.push('--db-filename', dbFile);
      for (const [name, value] of Object.entries(settings.server.sqlitePragmas)) args.push('--sqlite-pragma', `${name}=${value}`);
    }
    for (const [name, type] of Object.entries(settings.namespace.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
    for (const [key, value] of Object.entries(settings.dynamicConfig)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
    const logFile = options.logFile ?? resolve(dataDir(), 'temporal', `server-${port}.log`);
    mkdirSync(dirname(logFile), { recursive: true });
    const out = openSync(logFile, 'a');
    child = spawn(bin, args, { stdio: ['ignore', out, out] });
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const ready = await Promise.race([waitForNamespace(address, namespace, 60_000), exited.then(() => false)]);
    if (!ready) {
      child.kill('SIGKILL');
      throw new Error(`Temporal dev server did not come up on ${address}; see ${logFile}`);
    }
  } else if (!(await waitForNamespace(address, namespace, 30_000, true))) {
    throw new Error(`Something answers on ${address} but it is not a Temporal server with namespace ${namespace}`);
  }

  await reconcileNamespace(address, namespace, settings);

  const running = child;
  return {
    address,
    namespace,
    uiUrl: options.headless ? null : `http://${ip}:${uiPort}`,
    started: running !== null,
    process: running,
    async stop() {
      if (!running || running.exitCode !== null) return;
      const gone = new Promise((r) => running.once('exit', r));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Polls until the namespace is described (create it when reusing a server that lacks it). */
async function waitForNamespace(address: string, namespace: string, timeoutMs: number, createIfMissing = false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } catch (error) {
        if (createIfMissing && /not found/i.test(String(error))) {
          await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(86_400_000) });
        }
      } finally {
        await connection.close();
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function reconcileNamespace(address: string, namespace: string, settings: DevSettings) {
  const connection = await Connection.connect({ address });
  try {
    const hours = Number(settings.namespace.retention.replace('h', ''));
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(hours * 3_600_000) },
    });
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing: Record<string, number> = {};
    for (const [name, type] of Object.entries(settings.namespace.searchAttributes)) {
      if (!(name in (existing.customAttributes ?? {}))) missing[name] = typeByName[type]!;
    }
    if (Object.keys(missing).length > 0) {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    }
  } finally {
    await connection.close();
  }
}
