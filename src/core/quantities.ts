/** Counts and sizes in words, as the tree, the wizards, the viewer and the packet-capture summary write them. */

/** `1 blob`, `3 blobs`; `many` for irregular plurals: `plural(2, 'policy', 'policies')`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `0 B`, `1,000 B`, `12.3 KB`, `4.0 MB` (binary units, one decimal). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes.toLocaleString('en-US')} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
