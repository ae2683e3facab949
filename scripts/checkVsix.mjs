// Lists a .vsix (a zip) and checks it ships only what the extension needs at runtime.
//   node scripts/checkVsix.mjs FILE.vsix
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** Entry names, sizes and where their data is, from the zip's central directory. */
function listZip(buffer) {
  const eocdSignature = 0x06054b50;
  let eocd = -1;
  for (let at = buffer.length - 22; at >= Math.max(0, buffer.length - 65_557); at--) {
    if (buffer.readUInt32LE(at) === eocdSignature) {
      eocd = at;
      break;
    }
  }
  if (eocd === -1) {
    throw new Error('not a zip file: no end-of-central-directory record');
  }
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) {
      throw new Error(`corrupt zip: central directory entry ${i} at byte ${at}`);
    }
    const method = buffer.readUInt16LE(at + 10);
    const compressedSize = buffer.readUInt32LE(at + 20);
    const size = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const localHeader = buffer.readUInt32LE(at + 42);
    entries.push({ name: buffer.toString('utf8', at + 46, at + 46 + nameLength), size, method, compressedSize, localHeader });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The text of one entry (stored or deflated). */
function readEntry(buffer, entry) {
  const at = entry.localHeader;
  if (buffer.readUInt32LE(at) !== 0x04034b50) {
    throw new Error(`corrupt zip: no local header for ${entry.name}`);
  }
  const start = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
  const data = buffer.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    return data.toString('utf8');
  }
  if (entry.method === 8) {
    return inflateRawSync(data).toString('utf8');
  }
  throw new Error(`${entry.name}: zip compression method ${entry.method} is not supported`);
}

/**
 * What the packaged manifest's walkthroughs show: each step's media file, and the local images a
 * markdown page refers to (relative to the page), as entry names of the .vsix.
 */
function walkthroughFiles(manifest, text) {
  const files = [];
  for (const walkthrough of manifest.contributes?.walkthroughs ?? []) {
    for (const step of walkthrough.steps ?? []) {
      const media = step.media ?? {};
      for (const key of ['markdown', 'image', 'svg']) {
        const value = media[key];
        const paths = typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value) : [];
        for (const path of paths) {
          const name = posix.join('extension', path);
          files.push(name);
          if (key === 'markdown') {
            const page = text(name) ?? '';
            for (const match of page.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) {
              files.push(posix.join(posix.dirname(name), match[1]));
            }
          }
        }
      }
    }
  }
  return files;
}

const forbidden = [
  [/^extension\/src\//, 'sources'],
  [/^extension\/test\//, 'tests'],
  [/^extension\/(out|bench|scripts|\.tools|\.ci|\.vscode)\//, 'build or dev files'],
  [/(^|\/)node_modules\//, 'node_modules'],
  [/\.ts$/, 'TypeScript'],
  [/\.map$/, 'source maps'],
];
const required = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/decodeWorker.js', 'extension/dist/mapWorker.js', 'extension/dist/webview/flowlogs.js', 'extension/dist/webview/dependencyMap.js', 'extension/dist/webview/map.css', 'extension/LICENSE.txt'];

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node scripts/checkVsix.mjs FILE.vsix');
  process.exit(2);
}
const buffer = readFileSync(file);
const entries = listZip(buffer);
console.log(`${file}: ${(buffer.length / 1024).toFixed(1)} KiB, ${entries.length} files`);
for (const entry of entries) {
  console.log(`  ${entry.name} (${entry.size} B)`);
}
const problems = [];
for (const entry of entries) {
  for (const [pattern, what] of forbidden) {
    if (pattern.test(entry.name)) {
      problems.push(`${entry.name}: ${what} must not be packaged`);
    }
  }
}
const names = new Set(entries.map((entry) => entry.name));
const byName = new Map(entries.map((entry) => [entry.name, entry]));
const text = (name) => (byName.has(name) ? readEntry(buffer, byName.get(name)) : undefined);
const packagedManifest = text('extension/package.json');
const walkthrough = packagedManifest === undefined ? [] : walkthroughFiles(JSON.parse(packagedManifest), text);
for (const name of [...required, ...walkthrough]) {
  if (!names.has(name)) {
    problems.push(`${name} is missing`);
  }
}
if (problems.length > 0) {
  console.error(`The package is wrong (fix .vscodeignore):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
