import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * The one validated configuration of every process (API, worker, scripts).
 * A wrong value stops the process with a message naming the variable.
 */
const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const optionalPath = z.string().min(1).optional();

export const configSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('supervision'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('supervision'),
  /** mTLS client certificate and key (self-hosted cluster or Temporal Cloud). */
  TEMPORAL_TLS_CERT: optionalPath,
  TEMPORAL_TLS_KEY: optionalPath,
  TEMPORAL_TLS_CA: optionalPath,
  /** Temporal Cloud API key; implies TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /**
   * Workflows a worker keeps in memory between tasks (each costs ~0.3–0.5 MB). Evicted ones are
   * replayed from history on their next timer or Update; bench/engine.ts measures the trade-off.
   */
  WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(500),
  /**
   * A prebuilt workflow bundle (bundleWorkflowCode's output) for the worker to load instead of
   * bundling workflows/ at start: several workers of one release start in seconds.
   */
  WORKFLOW_BUNDLE_PATH: optionalPath,
  /**
   * The worker reaches Temporal through a local relay that holds its connections through an outage,
   * so that it polls again at once when the server returns instead of on the SDK's backoff of up to
   * 10 s (worker/temporal-relay.ts). 0 connects directly.
   */
  WORKER_TEMPORAL_RELAY: flag.default(true),
  /** How often a worker folds and vacuums the count roll-ups (db/rollup-upkeep.ts); 0 turns it off. */
  ROLLUP_UPKEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/supervision'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Prefix of every BullMQ key, so tests and several platforms can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default('supervision'),
  /** E-mail notifications over SMTP (smtp://user:pass@host:587, smtps://host:465). Unset → no e-mail channel. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** The From of notification e-mails, e.g. "督查督办 <noreply@example.gov.cn>". */
  MAIL_FROM: z.string().min(3).optional(),
  /** Overrides the SMS provider endpoint an admin set (tests point it at a local server). */
  SMS_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SEED_DEMO: flag.default(true),
  CORS_ORIGINS: z.string().optional(),
  /** Behind a load balancer: trust X-Forwarded-For/-Proto from it (client address, Secure cookies). Off: nobody can spoof them. */
  TRUST_PROXY: flag.default(false),
  /** Off: /docs (the OpenAPI document and its UI) answers 401 to anonymous callers. */
  DOCS_ANONYMOUS: flag.default(true),
  /**
   * Hosts or CIDRs a webhook may reach although they are loopback, private or link-local
   * (comma-separated, e.g. "127.0.0.1,10.0.0.0/8,hooks.intranet"). Unset: only public addresses.
   */
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .refine((v) => v.split(',').every((e) => !e.includes('/') || ipaddr.isValidCIDR(e.trim())), 'every range must be a CIDR such as 10.0.0.0/8')
    .optional(),
  /** Exports a user may have queued or running at once. */
  EXPORTS_PER_USER: z.coerce.number().int().min(1).max(100).default(3),
  /** Dossier PDFs one user may request per minute. */
  DOSSIERS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(4),
  /** Worker threads rendering dossier PDFs off the API's event loop. */
  DOSSIER_RENDER_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Local state of the dev setup; attachments live under `<DATA_DIR>/attachments` unless S3_URL is set. */
  DATA_DIR: z.string().min(1).default('.data'),
  /**
   * S3-compatible object storage for attachments: `https://ACCESS_KEY:SECRET@host[:port]/bucket`
   * (`http://` for a plain-HTTP MinIO). Unset: attachments are files under DATA_DIR.
   */
  S3_URL: z
    .url()
    .refine((v) => /^https?:$/.test(new URL(v).protocol) && new URL(v).pathname.split('/').filter(Boolean).length === 1, 'http(s)://KEY:SECRET@host[:port]/bucket')
    .optional(),
  /** Largest single attachment, in bytes (default 20 MiB). */
  ATTACHMENT_MAX_FILE_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(20 * 1024 * 1024),
  /** Most bytes of attachments one item may hold, over all its tasks (default 200 MiB). */
  ATTACHMENT_MAX_ITEM_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 ** 3).default(200 * 1024 * 1024),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' +
        issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n') +
        '\nSee .env.example for every variable.',
    );
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: issue.message,
      })),
    );
  }
  const config = parsed.data;
  if (Boolean(config.TEMPORAL_TLS_CERT) !== Boolean(config.TEMPORAL_TLS_KEY)) {
    throw new ConfigError([
      {
        variable: config.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT',
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together',
      },
    ]);
  }
  return config;
}

/** For process entry points: print the problem and exit instead of a stack trace. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
