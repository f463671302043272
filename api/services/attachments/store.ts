/**
 * Where attachment bytes live: files under DATA_DIR by default, S3-compatible object storage when
 * S3_URL is set. Keys are ours (the attachment's id), never a client's file name.
 */
import { constants } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../../../config/env';
import { createS3Store } from './s3-store';

export interface AttachmentStore {
  /** `local` or `s3`, for the health of the deployment and for tests. */
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Readable>;
  remove(key: string): Promise<void>;
}

const SAFE_KEY = /^[0-9a-f-]{36}$/;

function checkedKey(key: string): string {
  if (!SAFE_KEY.test(key)) throw new Error(`unexpected attachment key ${JSON.stringify(key)}`);
  return key;
}

/** Files under `<root>/<first two characters>/<key>`, written to a temporary name and renamed, so a reader never sees half a file. */
export function createLocalStore(root: string): AttachmentStore {
  const pathOf = (key: string) => join(root, checkedKey(key).slice(0, 2), key);
  return {
    kind: 'local',
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      try {
        await writeFile(`${path}.part`, bytes);
        await rename(`${path}.part`, path);
      } catch (error) {
        // A full disk stops the write halfway: nothing of it stays.
        await rm(`${path}.part`, { force: true }).catch(() => {});
        throw error;
      }
    },
    async get(key) {
      // Opened now, so a missing file is an error here rather than in the middle of an answer; O_NOFOLLOW:
      // a symlink planted where a file should be (pointing out of DATA_DIR) is not followed.
      const handle = await open(pathOf(key), constants.O_RDONLY | constants.O_NOFOLLOW);
      return handle.createReadStream(); // closes the handle when it ends or is destroyed
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

export function createAttachmentStore(config: Pick<Config, 'DATA_DIR' | 'S3_URL'>): AttachmentStore {
  if (config.S3_URL) return createS3Store(config.S3_URL);
  return createLocalStore(resolve(config.DATA_DIR, 'attachments'));
}
