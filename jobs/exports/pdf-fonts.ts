// The CJK font every PDF embeds: Noto Sans SC (as "Noto Sans Hans") from the @embedpdf/fonts-sc npm
// package — static OpenType (CFF) files that pdfkit subsets, so only the glyphs used are embedded.
// Read and parsed once per process (or worker thread); the files are ~8 MB each.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';

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

/** A font as fontkit parsed it; pdfkit takes one in place of the file's bytes. */
type ParsedFont = object;
let parsed: { regular: ParsedFont; bold: ParsedFont } | null = null;

/**
 * Parsing the 8 MB fonts cost more than laying out a dossier, every time: they are parsed once per
 * process (or thread), by pdfkit itself on a throwaway document, and the parsed fonts are shared by
 * every document after it (each still embeds its own subset).
 */
function parsedCjkFonts(): { regular: ParsedFont; bold: ParsedFont } {
  if (!parsed) {
    const fonts = cjkFonts();
    const parse = (bytes: Buffer): ParsedFont => {
      const probe = new PDFDocument({ autoFirstPage: false });
      probe.registerFont('probe', bytes).font('probe');
      return (probe as unknown as { _font: { font: ParsedFont } })._font.font;
    };
    parsed = { regular: parse(fonts.regular), bold: parse(fonts.bold) };
  }
  return parsed;
}

/** Registers the fonts on a document and makes the regular one current. */
export function useCjkFonts(doc: PDFKit.PDFDocument): void {
  const fonts = parsedCjkFonts();
  doc.registerFont(FONT_REGULAR, fonts.regular as Buffer);
  doc.registerFont(FONT_BOLD, fonts.bold as Buffer);
  doc.font(FONT_REGULAR);
}
