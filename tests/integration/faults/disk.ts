/**
 * The disk-full fault: DATA_DIR on a small tmpfs of its own, filled by a file while clients keep
 * uploading attachments, then freed. Every upload answered 201 must be stored whole (its row and its
 * file, same sha256); every other one must have been refused in words (503 `unavailable` at
 * `body.file`, never a 500) and left neither a row nor a file, not even a half-written `.part`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { attachments } from '../../../db/schema/attachments';
import { storedAttachmentFiles } from '../../support/attachment-files';
import { fillDisk } from '../../support/small-disk';
import type { LaunchedItem } from './checks';

interface Upload {
  status: number;
  body: { id?: string; sha256?: string; error?: { code?: string; details?: { fields?: { field?: string; messageZh?: string }[] } } } | null;
  sha256: string;
}

async function uploadOne(base: string, token: string, itemId: string): Promise<Upload> {
  // 32 KiB of plain text, different every time.
  const bytes = Buffer.from(randomBytes(24 * 1024).toString('base64'));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/plain' }), '现场照片说明.txt');
  try {
    const response = await fetch(`${base}/api/attachments?itemId=${itemId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Upload['body'], sha256 };
  } catch {
    return { status: 0, body: null, sha256 };
  }
}

/** Clients uploading to the launched items, one after another each, until stopped. */
export function startUploading(base: string, token: string, launched: LaunchedItem[], clients = 2) {
  const uploads: Upload[] = [];
  let stopped = false;
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) {
      const item = launched[Math.floor(Math.random() * launched.length)]!;
      uploads.push(await uploadOne(base, token, item.itemId));
      await sleep(100);
    }
  });
  return {
    uploads,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Fills the disk of `dataDir`, holds it full for `ms`, frees it. */
export async function diskFullFor(dataDir: string, ms: number): Promise<void> {
  const filler = join(dataDir, 'filler');
  await fillDisk(filler);
  await sleep(ms);
  await rm(filler, { force: true });
}

/** What the uploads left: their figures, and every way one of them was lost, doubled or half-written. */
export async function checkUploads(db: Database, dataDir: string, launched: LaunchedItem[], uploads: Upload[]) {
  const problems: string[] = [];
  const accepted = uploads.filter((u) => u.status === 201);
  const refusedInWords = uploads.filter((u) => u.status === 503 && u.body?.error?.code === 'unavailable' && u.body.error.details?.fields?.[0]?.field === 'body.file');
  for (const u of uploads) {
    if (u.status !== 201 && !refusedInWords.includes(u)) problems.push(`upload answered ${u.status} ${JSON.stringify(u.body)}: neither stored nor refused in words`);
  }
  const root = join(dataDir, 'attachments');
  const rows = await db.select().from(attachments).where(inArray(attachments.itemId, launched.map((l) => l.itemId)));
  const files = await storedAttachmentFiles(root);
  for (const u of accepted) {
    const row = rows.find((r) => r.id === u.body?.id);
    if (!row || row.sha256 !== u.sha256) problems.push(`accepted upload ${u.body?.id}: row ${row ? 'with another sha256' : 'missing'}`);
    const bytes = await readFile(join(root, u.body!.id!.slice(0, 2), u.body!.id!)).catch(() => null);
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== u.sha256) problems.push(`accepted upload ${u.body?.id}: file ${bytes ? 'differs' : 'missing'}`);
  }
  if (rows.length !== accepted.length) problems.push(`${rows.length} attachment rows for ${accepted.length} accepted uploads`);
  const parts = files.filter((f) => f.endsWith('.part'));
  if (parts.length > 0) problems.push(`${parts.length} half-written files left: ${parts.slice(0, 3).join(', ')}`);
  if (files.length !== rows.length) problems.push(`${files.length} files for ${rows.length} rows`);
  if (refusedInWords.length === 0) problems.push('no upload was refused: the disk never filled while they were written');
  const firstRefused = uploads.indexOf(refusedInWords[0]!);
  if (!uploads.slice(firstRefused).some((u) => u.status === 201)) problems.push('no upload was accepted after the disk was freed');
  return { uploads: uploads.length, accepted: accepted.length, refused: refusedInWords.length, problems };
}
