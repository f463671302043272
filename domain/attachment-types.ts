/**
 * Which files the platform keeps, judged from their content: the type detected from the bytes must be
 * one we accept, and the name's extension and the type the client claimed must agree with it. Pure:
 * the API detects (file-type) and asks here.
 */

/** Accepted content types and the extensions a file of that type may carry. */
export const ACCEPTED_TYPES: Readonly<Record<string, readonly string[]>> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/heic': ['heic'],
  'image/tiff': ['tif', 'tiff'],
  'image/bmp': ['bmp'],
  'application/pdf': ['pdf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'audio/mpeg': ['mp3'],
  'video/mp4': ['mp4'],
  // No magic number: accepted when the bytes are readable UTF-8 text (see `isPlainText`).
  'text/plain': ['txt'],
  'text/csv': ['csv'],
};

/** What a client may call a type besides its proper name (browsers differ); octet-stream claims nothing. */
const CLAIM_ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/csv': 'text/csv',
  'image/x-ms-bmp': 'image/bmp',
  // Windows browsers send a .csv as Excel's type.
  'application/vnd.ms-excel': 'text/csv',
};
const NO_CLAIM = new Set(['', 'application/octet-stream', 'binary/octet-stream']);
const TEXT_EXTENSIONS = new Set([...ACCEPTED_TYPES['text/plain']!, ...ACCEPTED_TYPES['text/csv']!]);

export type TypeJudgement = { ok: true; contentType: string } | { ok: false; en: string; zh: string };

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * `detected`: the type found from the content's signature, or null when it has none (plain text);
 * `text`: whether the bytes read as text (asked only when nothing accepted was detected); `claimed`: the client's Content-Type; `name`: its file name.
 */
export function judgeAttachmentType(input: { detected: string | null; text: () => boolean; claimed: string; name: string }): TypeJudgement {
  const ext = extensionOf(input.name);
  const claimed = input.claimed.split(';')[0]!.trim().toLowerCase();
  let actual = input.detected;
  // Text has no signature, and some signatures are weak enough for text to match them: MPEG-TS is only
  // a "G" at bytes 0 and 188, BMP only "BM" at the start (a note that begins "BMW …" or "BMI …").
  // Text that matches a type we refuse anyway is text, and so is text whose name says it is text;
  // it is kept and served as text, so a binary format that happens to be all text loses nothing.
  const namedText = TEXT_EXTENSIONS.has(ext);
  if ((actual === null || !ACCEPTED_TYPES[actual] || namedText) && input.text()) actual = ext === 'csv' ? 'text/csv' : 'text/plain';
  if (actual === null || !ACCEPTED_TYPES[actual]) {
    return {
      ok: false,
      en: `the content is ${actual ?? 'of no recognised type'}, which is not accepted (images, PDF, Office documents, audio/video, plain text)`,
      zh: `文件内容${actual ? `为 ${actual}，` : '无法识别，'}不在允许的类型之内（图片、PDF、Office 文档、音视频、纯文本）`,
    };
  }
  if (!ACCEPTED_TYPES[actual]!.includes(ext)) {
    return {
      ok: false,
      en: `the name ends in ".${ext}" but the content is ${actual}`,
      zh: `文件名后缀“.${ext}”与文件内容（${actual}）不符`,
    };
  }
  const claimedType = CLAIM_ALIASES[claimed] ?? claimed;
  const textClaimFits = actual.startsWith('text/') && claimedType.startsWith('text/');
  if (!NO_CLAIM.has(claimedType) && claimedType !== actual && !textClaimFits) {
    return {
      ok: false,
      en: `the file was sent as ${claimed} but its content is ${actual}`,
      zh: `声明的类型 ${claimed} 与文件内容（${actual}）不符`,
    };
  }
  return { ok: true, contentType: actual };
}

/** Whether bytes are text a person wrote: valid UTF-8 without NUL or other control characters but tab and line ends. */
export function isPlainText(bytes: Uint8Array): boolean {
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return false;
  }
  return true;
}
