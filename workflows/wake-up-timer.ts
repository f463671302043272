// A re-armable wake-up: one durable timer for the next instant something may change, on the model of
// the Temporal samples' updatable timer. A change re-arms it only when it brings that instant
// forward; a timer left armed for an earlier instant fires, finds nothing to do, and the loop arms
// the right one: one spare wake-up instead of cancelling and starting a timer on every action.
import { condition } from '@temporalio/workflow';
import type { Instant } from '../domain';

export class WakeUpTimer {
  /** The instant the current timer is armed for (null: no timer). */
  private armedAt: Instant | null = null;
  private rearm = false;

  constructor(private readonly nextAt: (now: Instant) => Instant | null) {}

  /** Something changed at `now`: re-arm if the next wake-up moved earlier, or if there is none now. */
  changed(now: Instant): void {
    if (this.rearm) return;
    const next = this.nextAt(now);
    this.rearm = next === null ? this.armedAt !== null : this.armedAt === null || next < this.armedAt;
  }

  /**
   * Sleeps until the next wake-up instant (true) or until a change re-arms it or `interrupt` holds
   * (false). With no instant ahead it waits for a change alone.
   */
  async sleep(interrupt: () => boolean): Promise<boolean> {
    const now = Date.now();
    const at = this.nextAt(now);
    this.armedAt = at;
    this.rearm = false;
    const woken = () => this.rearm || interrupt();
    if (at === null) {
      await condition(woken);
      return false;
    }
    return !(await condition(woken, Math.max(at - now, 1)));
  }
}
