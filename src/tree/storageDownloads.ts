import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Downloads older than this are removed when the extension starts. */
export const downloadMaxAgeMs = 7 * 24 * 3600 * 1000;

/**
 * Where a download lives under the download folder, as path segments: the storage account, the
 * container, then the blob's own path (`PT1H.json` of one blob) or a file name for several blobs
 * merged into one. The viewer shows it as `account › container › resourceId=… › PT1H.json`.
 * Segments a file system would misread (`..`, empty, reserved characters) are made safe.
 * Example: (`stflowlogs`, `insights-logs-flowlogflowevent`, `flowLogResourceID=/SUB/…/PT1H.json`).
 */
export function downloadSegments(accountName: string, container: string, pathInContainer: string): string[] {
  const safe = (segment: string): string => {
    const cleaned = [...segment].map((character) => (character < ' ' || '<>:"\\|?*'.includes(character) ? '_' : character)).join('');
    return cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
  };
  return [accountName, container, ...pathInContainer.split('/').filter((segment) => segment !== '')].map(safe);
}

/**
 * Removes downloaded flow-log files (`*.json`, and `*.partial` left by a crash) older than
 * `maxAgeMs` from the download folder and the account/container/blob folders under it, then the
 * folders left empty, so opened blobs do not pile up in the extension's storage.
 * A missing folder is nothing to prune; returns the paths removed, relative to `folder`.
 */
export async function pruneDownloads(folder: string, maxAgeMs = downloadMaxAgeMs, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  await pruneFolder(folder, '', maxAgeMs, now, removed);
  return removed.sort();
}

/** Prunes one folder; true when it is empty afterwards. */
async function pruneFolder(root: string, relative: string, maxAgeMs: number, now: number, removed: string[]): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(join(root, relative));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
  let left = names.length;
  for (const name of names) {
    const path = join(root, relative, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      if (await pruneFolder(root, relative === '' ? name : `${relative}/${name}`, maxAgeMs, now, removed)) {
        await rmdir(path).catch(() => undefined);
        left--;
      }
      continue;
    }
    if (/\.(json|partial)$/i.test(name) && info?.isFile() && now - info.mtimeMs > maxAgeMs) {
      await rm(path, { force: true });
      removed.push(relative === '' ? name : `${relative}/${name}`);
      left--;
    }
  }
  return left === 0;
}
