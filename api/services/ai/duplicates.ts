import { minhash, similarity } from '../../../assist/minhash';
import { documentTokens } from '../../../assist/tokenize';
import type { Database } from '../../../db/client';
import type { ItemStatus } from '../../../domain/types';
import { insertFingerprints, itemHeadlines, itemsWithoutFingerprint, openFingerprints } from '../../../db/queries/ai';

/** Estimated word-set Jaccard at or above which an open item is shown as a possible duplicate (bench/ai.ts measures it). */
export const DUPLICATE_SIMILARITY = 0.5;
/** How many duplicates a launch or registration is shown, most similar first. */
export const MAX_DUPLICATES = 5;
/** Fingerprints computed per request for items launched since the last one (the rest on the next). */
const FINGERPRINT_BATCH = 200;

export interface Duplicate {
  itemId: string;
  code: string;
  title: string;
  /** The open item's status (launched or in progress). */
  status: ItemStatus;
  similarity: number;
}

/** Signs the open items that have no fingerprint yet: the ones launched since the last search. */
async function fingerprintNewItems(db: Database): Promise<void> {
  const fresh = await itemsWithoutFingerprint(db, FINGERPRINT_BATCH);
  const rows = fresh.flatMap((item) => {
    const signature = minhash(documentTokens(item.title, item.description));
    return signature ? [{ itemId: item.id, minhash: signature }] : [];
  });
  await insertFingerprints(db, rows);
}

/** Open items (appeals included) whose words overlap the text's enough to say the same thing. */
export async function findDuplicates(db: Database, tokens: readonly string[]): Promise<Duplicate[]> {
  const signature = minhash(tokens);
  if (!signature) return [];
  await fingerprintNewItems(db);
  const close = (await openFingerprints(db))
    .map((row) => ({ itemId: row.itemId, similarity: similarity(signature, row.minhash) }))
    .filter((row) => row.similarity >= DUPLICATE_SIMILARITY)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, MAX_DUPLICATES);
  if (close.length === 0) return [];
  const named = new Map((await itemHeadlines(db, close.map((c) => c.itemId))).map((item) => [item.id, item]));
  return close.flatMap((c) => {
    const item = named.get(c.itemId);
    return item ? [{ itemId: c.itemId, code: item.code, title: item.title, status: item.status as ItemStatus, similarity: c.similarity }] : [];
  });
}
