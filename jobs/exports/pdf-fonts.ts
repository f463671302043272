// The CJK font every PDF embeds: Noto Sans SC (as "Noto Sans Hans") from the @embedpdf/fonts-sc npm
// package — static OpenType (CFF) files that pdfkit subsets, so only the glyphs used are embedded.
// Read once per process; the files are ~8 MB each.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export const FONT_REGULAR = 'cjk';
export const FONT_BOLD = 'cjk-bold';

let cache: { regular: Buffer; bold: Buffer } | null = null;

export function cjkFonts(): { regular: Buffer; bold: Buffer } {
  if (!cache) {
    const folder = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
    cache = { regular: readFileSync(join(folder, 'NotoSansHans-Regular.otf')), bold: readFileSync(join(folder, 'NotoSansHans-Bold.otf')) };
  }
  return cache;
}

/** Registers the fonts on a document and makes the regular one current. */
export function useCjkFonts(doc: PDFKit.PDFDocument): void {
  const fonts = cjkFonts();
  doc.registerFont(FONT_REGULAR, fonts.regular);
  doc.registerFont(FONT_BOLD, fonts.bold);
  doc.font(FONT_REGULAR);
}
