/**
 * The citizen's text messages (短信): the query code on registration, the department's reply, the
 * return visit. One call each from register/handling/visit; the message is a ledger row and a job on
 * the notifications queue (jobs/notifications/citizen-sms.ts), keyed so a repeat sends nothing more.
 */
import type { AppealRow } from '../../../db/schema/appeals';
import { sendCitizenSms } from '../../../jobs/notifications/citizen-sms';
import type { SmsMessageType } from '../../../jobs/notifications/sms-messages';
import type { ApiDeps } from '../../deps';

type Deps = Pick<ApiDeps, 'database' | 'queues'>;

const VISIT_ZH: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };

/**
 * Queues the message. The appeal's own change has already happened, so a failure to queue (Redis
 * down) must not fail the request: the ledger row, when written, stays `pending` for an admin to see.
 */
export async function tellCitizen(deps: Deps, appeal: Pick<AppealRow, 'id' | 'code' | 'queryCode' | 'phone' | 'reopenCount' | 'visitResult'>, message: SmsMessageType): Promise<void> {
  const params: Record<string, string> =
    message === 'appeal_registered'
      ? { code: appeal.code, queryCode: appeal.queryCode }
      : message === 'appeal_visited'
        ? { code: appeal.code, result: VISIT_ZH[appeal.visitResult ?? ''] ?? '' }
        : { code: appeal.code };
  // A reopened appeal is replied to and visited again: one message per round.
  const key = `appeal-${appeal.id}/${message}/${message === 'appeal_registered' ? 0 : appeal.reopenCount}`;
  await sendCitizenSms({ db: deps.database.db, queues: deps.queues }, { key, requestKey: `appeal-${appeal.id}`, phone: appeal.phone, message, params }).catch(() => undefined);
}
