// The validator every Update of the item and task workflows runs before it enters history: a repeat
// passes (the handler answers from its cache), a malformed request or a text no store can hold is
// refused, and then the domain's rule for the action decides.
import { currentUpdateInfo } from '@temporalio/workflow';
import { unholdableTextViolation } from '../domain';
import type { Actor, Instant, RuleViolation } from '../domain';
import type { RecentUpdates } from './recent-updates';
import { malformed, ruleFailure } from './rule-failure';

export function updateValidator<A extends { actor: Actor }, E>(
  recent: RecentUpdates<unknown>,
  toEvent: (args: A, now: Instant) => E,
  rule: (event: E, now: Instant) => RuleViolation | null,
): (args: A) => void {
  return (args: A) => {
    if (recent.has(currentUpdateInfo()?.id)) return;
    if (typeof args !== 'object' || args === null || typeof args.actor !== 'object' || args.actor === null) {
      throw ruleFailure(malformed('the request must carry its actor'));
    }
    const unholdable = unholdableTextViolation(args);
    if (unholdable) throw ruleFailure(unholdable);
    const now = Date.now();
    const refused = rule(toEvent(args, now), now);
    if (refused) throw ruleFailure(refused);
  };
}
