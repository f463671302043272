// A workflow's own stream of timeline entries (what happened, by whom, why), numbered in order and
// handed to its projection by the outbox pump. The sequence survives continue-as-new.
import type { Actor, Instant } from '../domain';
import type { StreamTail, TimelineEntry } from './outbox-contract';

export class Timeline {
  private entries: TimelineEntry[] = [];

  constructor(
    private readonly stream: string,
    /** Last sequence number used (carried across continue-as-new). */
    public seq: number,
  ) {}

  record(
    at: { itemId: string; taskId: string | null; version: number },
    type: string,
    actor: Actor,
    when: Instant,
    reason: TimelineEntry['reason'],
    payload: Record<string, unknown> = {},
  ): void {
    this.entries.push({ stream: this.stream, seq: ++this.seq, itemId: at.itemId, taskId: at.taskId, version: at.version, type, actor, reason, payload, at: when });
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Where the stream stands now, for a projection to remove what a lost workflow task wrote past it. */
  tail(): StreamTail {
    return { seq: this.seq, decidedAt: Date.now() };
  }

  /** The entries recorded since the last take, handed over once. */
  take(): TimelineEntry[] {
    const taken = this.entries;
    this.entries = [];
    return taken;
  }
}
