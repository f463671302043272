/** Reading exported files back in tests: PDF text (pdfjs-dist) and a page as PNG (pdftoppm). */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The text of every page, one string per page. */
export async function pdfText(bytes: Buffer): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
  }
  await doc.destroy();
  return pages;
}

/** Renders one page (1-based) to PNG with poppler's pdftoppm; returns the PNG's path and bytes. */
export async function pdfPageAsPng(bytes: Buffer, page: number, name = 'page'): Promise<{ path: string; png: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'pdf-'));
  const pdf = join(dir, `${name}.pdf`);
  await writeFile(pdf, bytes);
  await run('pdftoppm', ['-png', '-r', '70', '-f', String(page), '-l', String(page), '-singlefile', pdf, join(dir, name)]);
  const path = join(dir, `${name}.png`);
  return { path, png: await readFile(path) };
}

/** Fraction of a page's pixels that are not (near) white, from a grey render — glyphs make it clearly > 0. */
export async function inkShare(bytes: Buffer, page: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'pdf-ink-'));
  const pdf = join(dir, 'doc.pdf');
  await writeFile(pdf, bytes);
  await run('pdftoppm', ['-gray', '-r', '40', '-f', String(page), '-l', String(page), '-singlefile', pdf, join(dir, 'page')]);
  const pgm = await readFile(join(dir, 'page.pgm'));
  const match = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 50).toString('latin1'));
  if (!match) throw new Error('unexpected PGM header');
  const pixels = pgm.subarray(match[0].length);
  let ink = 0;
  for (const value of pixels) if (value < 200) ink++;
  return ink / pixels.length;
}

/** An instant as the PDFs print it — Beijing time to the minute, "2026-03-01 09:30" — formatted by Intl, not by the code under test. */
export function beijingMinute(value: string | Date): string {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const parts = Object.fromEntries(format.formatToParts(new Date(value)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
