// Exits 0 when node_modules matches package-lock.json (every locked package installed at its
// locked version), 1 otherwise: `scripts/dev.sh` then runs `npm ci`.
import { existsSync, readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const installedLock = 'node_modules/.package-lock.json';
if (!existsSync(installedLock)) {
  process.exit(1);
}
const installed = JSON.parse(readFileSync(installedLock, 'utf8')).packages ?? {};
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || entry.link) {
    continue;
  }
  const have = installed[path];
  if (have === undefined) {
    if (entry.optional && !existsSync(path)) {
      continue; // for another platform
    }
    process.exit(1);
  }
  if (have.version !== entry.version) {
    process.exit(1);
  }
}
