// The Temporal Update id of an API action. Idempotency-Keys are the client's and only unique per
// user (that is how the idempotency plugin scopes them), so the id carries the user too: two users
// who both send "1" must not be deduplicated into one action.
import { randomUUID } from 'node:crypto';

export function updateIdFor(userId: string, idempotencyKey: string | null): string {
  return idempotencyKey === null ? randomUUID() : `${userId}:${idempotencyKey}`;
}
