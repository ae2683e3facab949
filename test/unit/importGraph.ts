/**
 * The import graph of a source folder and the checks the layering rules run on it. Every import
 * is found with the TypeScript compiler's own scanner (`ts.preProcessFile`): static imports,
 * `import type`, `export … from`, side-effect imports, dynamic `import('…')` and `require('…')`,
 * never text inside comments or strings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/** One import of one file, as written and where it points. */
export interface ImportEdge {
  /** The importing file, relative to the project root with `/` separators: `src/azure/armActionRunner.ts`. */
  from: string;
  /** 1-based line of the import in `from`. */
  line: number;
  /** The specifier as written: `../wizards/shared/plan`, `vscode`. */
  specifier: string;
  /** The file a relative specifier resolves to (relative to the root), or undefined for a package such as `vscode`. */
  to?: string;
}

/** Files by path (relative to the root) with the imports each makes. */
export type ImportGraph = Map<string, ImportEdge[]>;

/** Every import in `text`, with its 1-based line. */
export function importsIn(text: string): { specifier: string; line: number }[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map((file) => ({ specifier: file.fileName, line: lineAt(text, file.pos) }));
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
    }
  }
  return line;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function listTypeScript(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? listTypeScript(path) : name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
    });
}

/**
 * The import graph of every `.ts` file under `root/folder`. A relative specifier resolves to
 * `X.ts`, `X` itself or `X/index.ts`, as the bundler resolves it; one that resolves to no file
 * keeps `to` undefined so the type check, not this graph, reports it.
 */
export function readImportGraph(root: string, folder: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const path of listTypeScript(join(root, folder))) {
    const from = toPosix(relative(root, path));
    const edges = importsIn(readFileSync(path, 'utf8')).map(({ specifier, line }): ImportEdge => {
      if (!specifier.startsWith('.')) {
        return { from, line, specifier };
      }
      const base = resolve(dirname(path), specifier);
      const target = [`${base}.ts`, base, join(base, 'index.ts')].find((candidate) => candidate.endsWith('.ts') && isFile(candidate));
      return target === undefined ? { from, line, specifier } : { from, line, specifier, to: toPosix(relative(root, target)) };
    });
    graph.set(from, edges);
  }
  return graph;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * A layering rule: files in `from` (a folder relative to the root, `src/core`) may not import
 * what `forbids` matches. `forbids` names folders (`src/wizards`), packages (`vscode`, or a scope
 * such as `@azure/` to match every package in it), or `others` for every file outside `from`.
 */
export interface LayerRule {
  from: string;
  forbids: readonly string[];
  /** Why, as the failure message says it. */
  reason: string;
}

/** `src/azure/armActionRunner.ts:6 imports '../wizards/shared/plan' (src/wizards/shared/plan.ts): azure may not …`. */
export function layerViolations(graph: ImportGraph, rules: readonly LayerRule[]): string[] {
  const violations: string[] = [];
  for (const [file, edges] of graph) {
    for (const rule of rules) {
      if (!isInside(file, rule.from)) {
        continue;
      }
      for (const edge of edges) {
        if (rule.forbids.some((forbidden) => matches(edge, forbidden, rule.from))) {
          violations.push(`${edge.from}:${edge.line} imports '${edge.specifier}'${edge.to === undefined ? '' : ` (${edge.to})`}: ${rule.reason}`);
        }
      }
    }
  }
  return violations;
}

function isInside(file: string, folder: string): boolean {
  return file.startsWith(`${folder}/`);
}

function matches(edge: ImportEdge, forbidden: string, ownFolder: string): boolean {
  if (edge.to !== undefined) {
    return forbidden === 'others' ? !isInside(edge.to, ownFolder) : isInside(edge.to, forbidden);
  }
  if (edge.specifier.startsWith('.')) {
    return false;
  }
  return forbidden.endsWith('/') ? edge.specifier.startsWith(forbidden) : edge.specifier === forbidden || edge.specifier.startsWith(`${forbidden}/`);
}

/**
 * Every import cycle among the graph's files, each as the files along it, the first repeated at
 * the end: `['src/a.ts', 'src/b.ts', 'src/a.ts']`. Files that import each other in a circle form
 * a strongly connected group (Tarjan's algorithm); for each group this reports the shortest cycle
 * through its first file in sorted order, then through each file no reported cycle passes yet, so
 * every file of every group is named.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const next = (file: string): string[] => [...new Set((graph.get(file) ?? []).flatMap((edge) => (edge.to !== undefined && graph.has(edge.to) ? [edge.to] : [])))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;

  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const target of next(file)) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1 || next(file).includes(file)) {
        groups.push(group.sort());
      }
    }
  };
  for (const file of [...graph.keys()].sort()) {
    if (!index.has(file)) {
      visit(file);
    }
  }
  const cycles: string[][] = [];
  for (const group of groups) {
    const members = new Set(group);
    const covered = new Set<string>();
    for (const file of group) {
      if (!covered.has(file)) {
        const cycle = shortestCycleThrough(file, members, next);
        cycle.forEach((member) => covered.add(member));
        cycles.push(cycle);
      }
    }
  }
  return cycles.sort((a, b) => a.join('\n').localeCompare(b.join('\n')));
}

/** The shortest path from `start` back to itself inside `group` (breadth first). */
function shortestCycleThrough(start: string, group: ReadonlySet<string>, next: (file: string) => string[]): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of next(file)) {
      if (!group.has(target)) {
        continue;
      }
      if (target === start) {
        const path = [file];
        while (path[0] !== start) {
          path.unshift(cameFrom.get(path[0])!);
        }
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
