/** The files the local attachment store holds under `root` (`<first two characters>/<key>`), as `dir/file` paths. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function storedAttachmentFiles(root: string): Promise<string[]> {
  const dirs = await readdir(root).catch(() => [] as string[]);
  return (await Promise.all(dirs.map(async (d) => (await readdir(join(root, d))).map((f) => join(d, f))))).flat();
}
