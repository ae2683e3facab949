/**
 * Writes a Bicep export into a folder the user picked, asking first when that would replace a
 * file that is there with other content (a `main.bicep` of their own, say). Nothing is written
 * before the answer, so declining leaves the folder as it was.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { BicepFile } from './bicep';

/** Asked with the paths (relative to the folder) that would be replaced; true to replace them. */
export type ConfirmReplace = (replaced: string[]) => Promise<boolean>;

/** The written files' absolute paths, or `undefined` when the user declined to replace files. */
export async function writeBicepFiles(folder: string, files: readonly BicepFile[], confirmReplace: ConfirmReplace): Promise<string[] | undefined> {
  const targets = files.map((file) => {
    const path = resolve(folder, file.path);
    const inside = relative(folder, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new Error(`the Bicep export named a file outside the folder (${file.path}).`);
    }
    return { path, content: file.content, name: file.path };
  });
  const replaced: string[] = [];
  for (const target of targets) {
    const existing = await readExisting(target.path);
    if (existing !== undefined && existing !== target.content) {
      replaced.push(target.name);
    }
  }
  if (replaced.length > 0 && !(await confirmReplace(replaced))) {
    return undefined;
  }
  for (const target of targets) {
    await mkdir(dirname(target.path), { recursive: true });
    await writeFile(target.path, target.content, 'utf8');
  }
  return targets.map((target) => target.path);
}

async function readExisting(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/** The question's text: how many files, which (the first few), and where. */
export function replaceQuestion(folder: string, replaced: readonly string[]): string {
  const shown = replaced.slice(0, 3).join(', ');
  const more = replaced.length > 3 ? ` and ${replaced.length - 3} more` : '';
  const count = replaced.length === 1 ? 'A file' : `${replaced.length} files`;
  return `${count} in ${folder} would be replaced: ${shown}${more}. Replace ${replaced.length === 1 ? 'it' : 'them'}?`;
}
