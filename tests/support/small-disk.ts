/** A small disk of a test's own, to fill: a tmpfs mounted on a directory (needs root). */
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';

/** Mounts a tmpfs of `size` (e.g. `64m`) on `dir`; false when this machine does not allow it. */
export function mountSmallDisk(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Lazily: a file the server has not closed yet (a download's stream) does not keep it mounted. */
export function unmountSmallDisk(dir: string): void {
  execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
}

/** Writes `path` until the disk refuses (1 MiB pieces, then 4 KiB ones for what is left). */
export async function fillDisk(path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const size of [1 << 20, 4096]) {
      const piece = Buffer.alloc(size, 0x61);
      try {
        for (;;) await file.write(piece);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    await file.close().catch(() => {});
  }
}
