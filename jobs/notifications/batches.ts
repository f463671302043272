import type { Database } from '../../db/client';
import {
  findAudiences,
  markDeliveriesSentAt,
  writeInboxAndLedger,
  type AudienceQuery,
  type AudienceRows,
  type InboxAndLedgerRows,
} from '../../db/queries/notifications-fan-out';
import { GroupCommit } from '../../db/group-commit';

/**
 * The statements every notification runs, shared by all jobs of one processor so that concurrent
 * jobs go to Postgres together (one read, one write and one "sent" update per batch, not per job).
 */
export interface NotificationBatches {
  audiences: GroupCommit<AudienceQuery, AudienceRows>;
  /** Resolves to the ids of the submitter's deliveries that its write created. */
  inboxAndLedger: GroupCommit<InboxAndLedgerRows, Set<string>>;
  sent: GroupCommit<{ id: string; at: Date }, undefined>;
}

export function createNotificationBatches(db: Database): NotificationBatches {
  return {
    audiences: new GroupCommit((queries) => findAudiences(db, queries)),
    inboxAndLedger: new GroupCommit((rows) => writeInboxAndLedger(db, rows)),
    sent: new GroupCommit(async (sent) => {
      await markDeliveriesSentAt(db, sent);
      return sent.map(() => undefined);
    }),
  };
}
