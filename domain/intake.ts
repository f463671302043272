// Early warnings (预警核查): what a monitoring system's signal becomes, and when its signature is fresh.
// Pure: the HMAC itself is computed by the API (node:crypto); these rules take `now` as an argument.
import type { Instant } from './types';

/** A signed request whose timestamp is further than this from our clock is refused (the contract: 5 minutes). */
export const SIGNAL_CLOCK_SKEW_MS = 5 * 60_000;

/** How long a used signature is remembered: past it the timestamp alone refuses a replay. */
export const SIGNATURE_MEMORY_MS = 2 * SIGNAL_CLOCK_SKEW_MS;

/** `X-Timestamp` (Unix seconds, digits only) within the allowed skew of `now`. */
export function signalTimestampFresh(header: string | undefined, now: Instant): boolean {
  if (header === undefined || !/^\d{1,12}$/.test(header)) return false;
  return Math.abs(Number(header) * 1000 - now) <= SIGNAL_CLOCK_SKEW_MS;
}

export type SignalRisk = 'low' | 'medium' | 'high';

export const RISK_WORDS: Record<SignalRisk, { zh: string; en: string }> = {
  low: { zh: '低风险', en: 'low risk' },
  medium: { zh: '中风险', en: 'medium risk' },
  high: { zh: '高风险', en: 'high risk' },
};

export interface SignalFacts {
  source: string;
  externalId: string;
  subject: string;
  riskLevel: SignalRisk;
  details?: Record<string, unknown> | null | undefined;
}

export interface IntakeRuleFacts {
  departmentId: string;
  dueInWorkingDays: number | null;
  /** ISO-8601 duration from the moment the signal arrives. */
  dueWithinMs: number | null;
}

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 20_000;

/** A verification item's title and description, as its signal (first or latest) words them. */
export function verificationTextOf(signal: SignalFacts): { title: string; description: string } {
  const prefix = `预警核查（${RISK_WORDS[signal.riskLevel].zh}）：`;
  const title = (prefix + signal.subject).slice(0, TITLE_MAX);
  const details = signal.details === undefined || signal.details === null ? '' : `\n${JSON.stringify(signal.details, null, 2)}`;
  const description = `${signal.source} · ${signal.externalId}\n${signal.subject}${details}`.slice(0, DESCRIPTION_MAX);
  return { title, description };
}

/**
 * The verification item a signal starts: its title, description, reference and deadline, for the
 * department the rule (or the signal) names. The deadline: the rule's working days, else its
 * duration, else the verification template's default (both absent).
 */
export function verificationLaunchOf(signal: SignalFacts, rule: IntakeRuleFacts, departmentId: string, now: Instant) {
  const { title, description } = verificationTextOf(signal);
  const due =
    rule.dueInWorkingDays !== null ? { dueInWorkingDays: rule.dueInWorkingDays } : rule.dueWithinMs !== null ? { dueAt: new Date(now + rule.dueWithinMs).toISOString() } : {};
  return {
    kind: 'verification' as const,
    title,
    description,
    source: `${signal.source}/${signal.externalId}`.slice(0, 500),
    public: false,
    ...due,
    tasks: [{ departmentId, role: 'lead' as const }],
  };
}

/** What the source hears back when the verification item ends: the lead department's report. */
export interface SignalResult {
  event: 'verification_result';
  source: string;
  externalId: string;
  itemId: string;
  itemCode: string;
  status: string;
  completedAt: string | null;
  finding: unknown;
  summary: string | null;
  fields: Record<string, unknown> | null;
}
