import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Downloads older than this are removed when the extension starts. */
export const downloadMaxAgeMs = 7 * 24 * 3600 * 1000;

/**
 * Removes downloaded flow-log files (`*.json`, and `*.partial` left by a crash) older than
 * `maxAgeMs` from the download folder, so opened blobs do not pile up in the extension's storage.
 * A missing folder is nothing to prune; returns the names removed.
 */
export async function pruneDownloads(folder: string, maxAgeMs = downloadMaxAgeMs, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!/\.(json|partial)$/i.test(name)) {
      continue;
    }
    const path = join(folder, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && now - info.mtimeMs > maxAgeMs) {
      await rm(path, { force: true });
      removed.push(name);
    }
  }
  return removed.sort();
}
