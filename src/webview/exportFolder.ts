/**
 * Where the viewer's Export… save dialog starts. Pure: the host passes in what VS Code knows.
 */

/** A folder as VS Code's `Uri` gives it (a `Uri` satisfies this). */
export interface FolderLike {
  scheme: string;
  fsPath: string;
}

/**
 * The folder the save dialog opens in: the last folder the user exported to, else the first
 * workspace folder on disk, else the home folder. Never the opened file's own folder, which for
 * a downloaded blob is the extension's storage.
 */
export function exportFolder(lastFolder: string | undefined, workspaceFolders: readonly FolderLike[] | undefined, homeFolder: string): string {
  if (lastFolder !== undefined && lastFolder !== '') {
    return lastFolder;
  }
  const onDisk = (workspaceFolders ?? []).find((folder) => folder.scheme === 'file');
  return onDisk?.fsPath ?? homeFolder;
}

/**
 * The suggested file name for an export of `name` as `extension`: `flows.json` → `flows.csv`; a
 * downloaded blob's title `sthub › 2026-12-07 01:00 › 000D3A7A1001` → `sthub_2026-12-07_0100_000D3A7A1001.csv`.
 * Characters no file system takes, and path separators, become `_`.
 */
export function exportFileName(name: string, extension: string): string {
  const base = name
    .replace(/\.json$/i, '')
    .replace(/ › /g, '_')
    .replace(/:/g, '')
    .replace(/[\\/*?"<>|\s]+/g, '_');
  return `${base === '' ? 'flow-log' : base}.${extension}`;
}
