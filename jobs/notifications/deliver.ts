import { UnrecoverableError } from 'bullmq';
import { signalResultTarget } from '../../db/queries/intake';
import { claimDigest, findDelivery, markDeliveriesSent, recordDeliveryFailure, type DigestTarget, type WebhookRow } from '../../db/queries/notifications';
import { isPermanentMailError } from './channels/email';
import { emptyAllowList } from './channels/outbound-address';
import { SmsError } from './channels/sms';
import { postWebhook, robotMarkdownMaxBytes, webhookBody, WebhookError, type PostOptions, type WebhookTarget } from './channels/webhook';
import type { NotificationDeps } from './deps';
import { deliverJobName, deliverRetryJobOptions, type DigestJob } from './jobs';
import { renderDigest } from './messages';
import { isSmsPayload, sendSms } from './sms';
import { markSmsSent } from '../../db/queries/sms';

export type DeliveryOutcome = 'sent' | 'already_done' | 'held' | 'missing';

/**
 * Sends one e-mail or webhook delivery. A delivery already sent (or failed) is never sent again, so a
 * retried or duplicated job is harmless. A failure is recorded on the delivery row before rethrowing,
 * and the last attempt (or a permanent error) leaves it `failed` with its error.
 *
 * A crash between the send and the row update would resend on retry; receivers can recognise the
 * resend by the stable Message-ID / x-supervision-delivery header.
 */
export async function deliverOne(deps: NotificationDeps, deliveryId: string, isFinalAttempt: boolean): Promise<DeliveryOutcome> {
  const found = await findDelivery(deps.db, deliveryId);
  if (!found) return 'missing';
  const { delivery, webhook } = found;
  if (delivery.status === 'sent' || delivery.status === 'failed') return 'already_done';
  if (delivery.status === 'held') return 'held'; // the digest job carries it
  const now = deps.now();
  let providerMessageId: string | null = null;
  try {
    if (delivery.channel === 'email') {
      if (!deps.mailer) throw new UnrecoverableError('e-mail channel is not configured (SMTP_URL unset)');
      await deps.mailer.send({ to: delivery.target, subject: delivery.subject, text: delivery.body, messageId: `<${delivery.id}@supervision.notifications>` });
    } else if (delivery.channel === 'webhook') {
      // An early-warning result goes to its source's result URL; every other post to a department's webhook.
      const target = delivery.intakeSource ? await signalResultTarget(deps.db, delivery.intakeSource) : webhook;
      if (!target) throw new UnrecoverableError('the webhook was removed before delivery');
      if (!target.enabled) throw new UnrecoverableError('the webhook was disabled before delivery');
      await postWebhook(target, delivery.payload, delivery.id, postOptions(deps, now));
    } else if (delivery.channel === 'sms') {
      if (!isSmsPayload(delivery.payload)) throw new UnrecoverableError('the SMS delivery has no message type');
      providerMessageId = await sendSms(deps, delivery.target, delivery.payload, delivery.language);
    } else {
      throw new UnrecoverableError(`channel ${delivery.channel} has no sender`);
    }
  } catch (error) {
    const permanent = isPermanentFailure(error);
    await recordDeliveryFailure(deps.db, [delivery.id], (error as Error).message, isFinalAttempt || permanent, deps.now());
    if (permanent && !(error instanceof UnrecoverableError)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
  if (providerMessageId) await markSmsSent(deps.db, delivery.id, providerMessageId, deps.now());
  else await markDeliveriesSent(deps.db, [delivery.id], deps.now());
  return 'sent';
}

export type FirstTryOutcome = 'sent' | 'retrying' | 'failed';

/**
 * The first try of a webhook delivery, made at once by the fan-out job that created its ledger row
 * (and so owns it): most webhooks answer, and a `deliver` job per delivery would cost another queue
 * round. A failure is recorded on the row; the tries left go to a `deliver` job with backoff, or a
 * permanent error (or a policy of one try) leaves the delivery `failed` with its error at once.
 */
export async function firstWebhookTry(deps: NotificationDeps & Required<Pick<NotificationDeps, 'batches'>>, delivery: { id: string; payload?: unknown }, webhook: WebhookTarget): Promise<FirstTryOutcome> {
  try {
    await postWebhook(webhook, delivery.payload, delivery.id, postOptions(deps, deps.now()));
  } catch (error) {
    const final = isPermanentFailure(error) || deps.delivery.attempts <= 1;
    await recordDeliveryFailure(deps.db, [delivery.id], (error as Error).message, final, deps.now());
    if (final) return 'failed';
    await deps.queues.notifications.add(
      deliverJobName,
      { deliveryId: delivery.id },
      deliverRetryJobOptions(delivery.id, deps.delivery, deps.delivery.attempts - 1, deps.delivery.backoffMs),
    );
    return 'retrying';
  }
  await deps.batches.sent.submit({ id: delivery.id, at: deps.now() });
  return 'sent';
}

function postOptions(deps: NotificationDeps, now: Date): PostOptions {
  return { now, timeoutMs: deps.delivery.webhookTimeoutMs, allow: deps.webhookAllowList ?? emptyAllowList };
}

/** Retrying cannot help: our own refusal, a 4xx from the webhook, a 5xx from the mail server, the SMS provider's refusal. */
function isPermanentFailure(error: unknown): boolean {
  return (
    error instanceof UnrecoverableError ||
    (error instanceof WebhookError && error.permanent) ||
    (error instanceof SmsError && error.permanent) ||
    isPermanentMailError(error)
  );
}

/**
 * Sends one digest: the held deliveries of one target — a user's e-mails or one webhook's posts — whose
 * hold has ended, as ONE message (an e-mail, or a post in the webhook's own format, signed as any other).
 * `digestKey` (the job's id) takes them first, so another digest job of the same target sends none of
 * them; this job's retry (after a failed try) sends the same ones again, and once they are recorded
 * sent nothing sends them again. Returns how many held deliveries the digest carried (0: nothing left
 * to send, nothing posted).
 */
export async function sendDigest(deps: NotificationDeps, job: DigestJob, digestKey: string, isFinalAttempt: boolean): Promise<number> {
  const found = await digestTargetOf(deps, job, digestKey);
  if (!found) return 0;
  const held = await claimDigest(deps.db, found.target, found.until, digestKey, deps.now());
  if (held.length === 0) return 0;
  const ids = held.map((d) => d.id);
  const latest = held[held.length - 1]!;
  try {
    if (found.target.channel === 'sms') {
      await sendSms(deps, latest.target, { message: 'digest', params: { count: String(held.length) } }, latest.language);
    } else if (found.target.channel === 'email') {
      if (!deps.mailer) throw new UnrecoverableError('e-mail channel is not configured (SMTP_URL unset)');
      const digest = renderDigest(
        held.map((d) => d.subject),
        latest.language,
      );
      await deps.mailer.send({ to: latest.target, subject: digest.subject, text: digest.body, messageId: `<${digestKey}@supervision.notifications>` });
    } else {
      const { webhook } = found;
      if (!webhook) throw new UnrecoverableError('the webhook was removed before its digest went out');
      if (!webhook.enabled) throw new UnrecoverableError('the webhook was disabled before its digest went out');
      const digest = renderDigest(
        held.map((d) => d.subject),
        latest.language,
        { markdownMaxBytes: robotMarkdownMaxBytes },
      );
      const body = webhookBody(webhook.kind, digest, {
        id: digestKey,
        event: 'digest',
        urgent: false,
        subject: digest.subject,
        text: digest.body,
        markdown: digest.markdown,
        items: held.map((d) => d.payload),
        heldUntil: found.until.toISOString(),
      });
      await postWebhook(webhook, body, digestKey, postOptions(deps, deps.now()));
    }
  } catch (error) {
    const permanent = isPermanentFailure(error);
    await recordDeliveryFailure(deps.db, ids, (error as Error).message, isFinalAttempt || permanent, deps.now());
    if (permanent && !(error instanceof UnrecoverableError)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
  await markDeliveriesSent(deps.db, ids, deps.now());
  return ids.length;
}

/** Whose digest a job sends and up to when; null when its held delivery already went out in another digest. */
async function digestTargetOf(
  deps: NotificationDeps,
  job: DigestJob,
  digestKey: string,
): Promise<{ target: DigestTarget; until: Date; webhook: WebhookRow | null } | null> {
  if ('userId' in job) return { target: { channel: 'email', userId: job.userId }, until: new Date(job.until), webhook: null };
  const found = await findDelivery(deps.db, job.deliveryId);
  if (!found) return null;
  const { delivery, webhook } = found;
  if (delivery.status !== 'held' || !delivery.heldUntil) return null;
  if (delivery.digestKey && delivery.digestKey !== digestKey) return null;
  if (delivery.channel === 'email' && delivery.userId) return { target: { channel: 'email', userId: delivery.userId }, until: delivery.heldUntil, webhook: null };
  if (delivery.channel === 'sms' && delivery.userId) return { target: { channel: 'sms', userId: delivery.userId }, until: delivery.heldUntil, webhook: null };
  if (delivery.channel === 'webhook' && delivery.webhookId) return { target: { channel: 'webhook', webhookId: delivery.webhookId }, until: delivery.heldUntil, webhook };
  return null;
}
