import { describe, expect, it } from 'vitest';
import { isPlainText, judgeAttachmentType } from '../../../domain/attachment-types';

describe('judgeAttachmentType', () => {
  it('accepts content whose name and claimed type agree with it (aliases and "no claim" allowed)', () => {
    expect(judgeAttachmentType({ detected: 'image/png', text: () => false, claimed: 'image/png', name: 'a.PNG' })).toEqual({ ok: true, contentType: 'image/png' });
    expect(judgeAttachmentType({ detected: 'image/jpeg', text: () => false, claimed: 'image/jpg', name: '照片.jpeg' })).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(judgeAttachmentType({ detected: 'application/pdf', text: () => false, claimed: 'application/octet-stream', name: 'scan.pdf' })).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(judgeAttachmentType({ detected: null, text: () => true, claimed: 'application/vnd.ms-excel', name: 'list.csv' })).toEqual({ ok: true, contentType: 'text/csv' });
    expect(judgeAttachmentType({ detected: null, text: () => true, claimed: 'text/csv', name: 'list.csv' })).toEqual({ ok: true, contentType: 'text/csv' });
  });

  it('takes text that happens to match a refused type\'s weak signature as text (a "G" at bytes 0 and 188 reads as MPEG-TS)', () => {
    expect(judgeAttachmentType({ detected: 'video/mp2t', text: () => true, claimed: 'text/plain', name: '说明.txt' })).toEqual({ ok: true, contentType: 'text/plain' });
    // A note that begins "BMW": file-type sees a BMP ("BM"), an accepted type, but the bytes are text and its name says text.
    expect(judgeAttachmentType({ detected: 'image/bmp', text: () => true, claimed: 'text/plain', name: 'BMW车辆说明.txt' })).toEqual({ ok: true, contentType: 'text/plain' });
    expect(judgeAttachmentType({ detected: 'image/bmp', text: () => true, claimed: 'text/csv', name: 'BMI.csv' })).toEqual({ ok: true, contentType: 'text/csv' });
    // A real bitmap (its bytes not text) named .txt is still refused.
    expect(judgeAttachmentType({ detected: 'image/bmp', text: () => false, claimed: 'text/plain', name: 'photo.txt' })).toMatchObject({ ok: false });
    // Real MPEG-TS is binary: refused as before.
    expect(judgeAttachmentType({ detected: 'video/mp2t', text: () => false, claimed: 'video/mp2t', name: 'clip.ts' })).toMatchObject({ ok: false });
  });

  it('refuses a name or a claim that disagrees with the content, and content of no accepted type', () => {
    const renamed = judgeAttachmentType({ detected: 'image/png', text: () => false, claimed: 'application/pdf', name: 'report.pdf' });
    expect(renamed).toMatchObject({ ok: false });
    expect(judgeAttachmentType({ detected: 'image/png', text: () => false, claimed: 'application/pdf', name: 'photo.png' })).toMatchObject({ ok: false });
    expect(judgeAttachmentType({ detected: 'application/x-elf', text: () => false, claimed: 'image/png', name: 'photo.png' })).toMatchObject({ ok: false });
    expect(judgeAttachmentType({ detected: null, text: () => false, claimed: 'text/plain', name: 'notes.txt' })).toMatchObject({ ok: false });
    expect(judgeAttachmentType({ detected: null, text: () => true, claimed: 'text/plain', name: 'run.sh' })).toMatchObject({ ok: false });
    expect(judgeAttachmentType({ detected: 'image/png', text: () => false, claimed: 'image/png', name: 'noextension' })).toMatchObject({ ok: false });
  });
});

describe('isPlainText', () => {
  it('takes UTF-8 with tabs and line ends, refuses NUL, other controls and broken UTF-8', () => {
    expect(isPlainText(new TextEncoder().encode('第一行\t说明\r\n第二行\n'))).toBe(true);
    expect(isPlainText(Uint8Array.from([0x61, 0x00, 0x62]))).toBe(false);
    expect(isPlainText(Uint8Array.from([0x61, 0x1b, 0x62]))).toBe(false);
    expect(isPlainText(Uint8Array.from([0xff, 0xfe, 0x41]))).toBe(false);
  });
});
