// Plain-words reasons for a light, with stable codes; texts derive from the task's own durations.
import { formatDuration, formatWorkingDays } from './durations';
import type { DeadlinePolicy, LightReason, LightReasonCode, Text2 } from './types';

function reason(code: LightReasonCode, text: Text2): LightReason {
  return { code, en: text.en, zh: text.zh };
}

function signWithin(policy: DeadlinePolicy): Text2 {
  return policy.signWithinWorkingDays != null ? formatWorkingDays(policy.signWithinWorkingDays) : formatDuration(policy.signWithinMs);
}

export const onTrack = (): LightReason => reason('on_track', { en: 'on track', zh: '正常推进' });

export const duePassed = (): LightReason => reason('due_passed', { en: 'due date passed', zh: '已超过办理期限' });

export function warningWindow(dueAt: number, warnAt: number): LightReason {
  const d = formatDuration(dueAt - warnAt);
  return reason('warning_window', { en: `due within ${d.en}`, zh: `距办理期限不足${d.zh}` });
}

export function signOverdue(policy: DeadlinePolicy): LightReason {
  const d = signWithin(policy);
  return reason('sign_overdue', { en: `not signed within ${d.en}`, zh: `${d.zh}内未签收` });
}

export function reportOverdue(policy: DeadlinePolicy): LightReason {
  const d = formatDuration(policy.reportEveryMs ?? 0);
  return reason('report_overdue', { en: `no progress report for ${d.en}`, zh: `${d.zh}未反馈进展` });
}

export function paceLag(percent: number, marginPercent: number): LightReason {
  return reason('pace_lag', {
    en: `reported progress ${percent}% lags the share of time used by more than ${marginPercent} points`,
    zh: `进度${percent}%落后序时进度超过${marginPercent}个百分点`,
  });
}

export function escalatedSign(policy: DeadlinePolicy): LightReason {
  const d = formatDuration(policy.escalateAfterMs);
  return reason('escalated_sign', {
    en: `still not signed ${d.en} after the sign-in deadline`,
    zh: `超过签收期限${d.zh}仍未签收`,
  });
}

export function escalatedReport(policy: DeadlinePolicy): LightReason {
  const d = formatDuration(policy.escalateAfterMs);
  return reason('escalated_report', {
    en: `progress report overdue for ${d.en}`,
    zh: `进展反馈逾期${d.zh}`,
  });
}
