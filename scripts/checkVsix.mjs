// Lists a .vsix (a zip) and checks it ships only what the extension needs at runtime.
//   node scripts/checkVsix.mjs FILE.vsix
import { readFileSync } from 'node:fs';

/** Entry names and sizes from the zip's central directory. */
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
    const size = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    entries.push({ name: buffer.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const forbidden = [
  [/^extension\/src\//, 'sources'],
  [/^extension\/test\//, 'tests'],
  [/^extension\/(out|bench|scripts|\.tools|\.ci|\.vscode)\//, 'build or dev files'],
  [/(^|\/)node_modules\//, 'node_modules'],
  [/\.ts$/, 'TypeScript'],
  [/\.map$/, 'source maps'],
];
const required = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/decodeWorker.js', 'extension/dist/webview/flowlogs.js', 'extension/LICENSE.txt'];

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
for (const name of required) {
  if (!names.has(name)) {
    problems.push(`${name} is missing`);
  }
}
if (problems.length > 0) {
  console.error(`The package is wrong (fix .vscodeignore):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
