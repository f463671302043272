/** A single self-rewriting status line on a terminal; plain lines (rate-limited) elsewhere, e.g. in CI logs. */
export function progressLine(label: string) {
  const tty = process.stdout.isTTY;
  let lastPlain = 0;
  const show = (text: string) => {
    if (tty) process.stdout.write(`\r\x1b[2K${label}: ${text}`);
    else if (Date.now() - lastPlain > 10_000) {
      lastPlain = Date.now();
      console.log(`${label}: ${text}`);
    }
  };
  show.done = (text: string) => {
    if (tty) process.stdout.write('\r\x1b[2K');
    console.log(`${label}: ${text}`);
  };
  return show;
}
