/**
 * One LISTEN per API process on the channel the read model's triggers announce to; each change is
 * forwarded to the open streams allowed to see it. Postgres delivers every notification to every
 * listening process, so many API processes behind a balancer each serve their own streams.
 */
import { countUnread } from '../../../db/queries/notifications';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { change, eventFor, type LiveEvent } from './changes';

export const CHANNEL = 'sv_events';

export interface Subscriber {
  user: SessionUser;
  send(event: LiveEvent): void;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private listening: Promise<{ unlisten(): Promise<void> }> | null = null;
  private closed = false;

  constructor(private readonly deps: Pick<ApiDeps, 'database'>) {}

  /** Starts listening on the first subscriber; resolves once Postgres confirmed the LISTEN. */
  async subscribe(subscriber: Subscriber): Promise<() => void> {
    if (this.closed) throw new Error('the event hub is closed');
    this.subscribers.add(subscriber);
    this.listening ??= this.deps.database.sql.listen(CHANNEL, (payload) => this.dispatch(payload));
    try {
      await this.listening;
    } catch (error) {
      this.listening = null;
      this.subscribers.delete(subscriber);
      throw error;
    }
    return () => this.subscribers.delete(subscriber);
  }

  get size(): number {
    return this.subscribers.size;
  }

  private dispatch(payload: string): void {
    let parsed;
    try {
      parsed = change.parse(JSON.parse(payload));
    } catch {
      return; // a payload of a newer schema version: not ours to guess
    }
    for (const subscriber of this.subscribers) {
      const event = eventFor(subscriber.user, parsed);
      if (event === 'inbox') void this.sendUnread(subscriber);
      else if (event) subscriber.send(event);
    }
  }

  private async sendUnread(subscriber: Subscriber): Promise<void> {
    const unread = await countUnread(this.deps.database.db, subscriber.user.id).catch(() => null);
    if (unread !== null && this.subscribers.has(subscriber)) subscriber.send({ event: 'inbox', data: { unread } });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    const listening = this.listening;
    this.listening = null;
    if (listening) await listening.then((l) => l.unlisten()).catch(() => {});
  }
}
