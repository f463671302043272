/**
 * The processors' clock for quiet-hours and digest tests: it runs behind real time by an offset the
 * test sets, so "a few seconds before a minute turns" is now, and a hold that ends with that minute
 * ends a few real seconds later.
 */
export function shiftedClock() {
  let offsetMs = 0;
  const now = () => new Date(Date.now() - offsetMs);
  return {
    now,
    /**
     * Moves the clock to `secondsBefore` seconds before the next minute turns. Returns that instant
     * (`turn`), and as Beijing 'HH:MM' the minute that starts then and the one an hour before.
     */
    standBeforeMinute(secondsBefore = 10) {
      const real = Date.now();
      offsetMs = ((((real % 60_000) - (60_000 - secondsBefore * 1000)) % 60_000) + 60_000) % 60_000;
      const fake = real - offsetMs;
      const turn = new Date(fake + secondsBefore * 1000);
      return { turn, turnsAt: beijingHhmm(turn), hourBefore: beijingHhmm(new Date(turn.getTime() - 3600_000)) };
    },
    reset() {
      offsetMs = 0;
    },
  };
}

export const beijingHhmm = (d: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
