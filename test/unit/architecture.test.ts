import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { importCycles, importsIn, layerViolations, readImportGraph, type ImportGraph, type LayerRule } from './importGraph';

/** The project root: this test is bundled to out/test/unit/. */
const root = resolve(__dirname, '..', '..', '..');

/**
 * The layering of src/ (README, Development): commands → wizards and tree → inventory → azure →
 * core, and webview → core ← flowlogs. A type two folders share lives in the lower one.
 */
const rules: readonly LayerRule[] = [
  { from: 'src/core', forbids: ['others', 'vscode'], reason: 'src/core is the ground floor: it imports no other src folder and never vscode' },
  { from: 'src/azure', forbids: ['src/inventory', 'src/tree', 'src/wizards', 'src/commands', 'src/webview'], reason: 'src/azure sits below the inventory, the tree, the wizards, the commands and the viewer' },
  { from: 'src/inventory', forbids: ['src/tree', 'src/wizards', 'src/commands', 'src/webview', 'vscode'], reason: 'src/inventory sits below the tree, the wizards and the commands, and needs no vscode' },
  { from: 'src/wizards', forbids: ['src/tree', 'src/commands'], reason: 'the wizards read the estate through src/inventory, never the tree, and sit below the commands' },
  { from: 'src/tree', forbids: ['src/wizards', 'src/commands'], reason: 'the tree sits below the commands and beside the wizards' },
  { from: 'src/flowlogs', forbids: ['src/webview'], reason: 'src/flowlogs and src/webview share only src/core' },
  { from: 'src/webview', forbids: ['src/flowlogs'], reason: 'src/webview and src/flowlogs share only src/core (the viewer and worker protocols)' },
  { from: 'src/flowlogs', forbids: ['src/inventory', 'src/tree', 'src/wizards', 'src/commands', 'vscode'], reason: 'src/flowlogs is pure: the decoder, queries and exports run in the command line and the decode worker too' },
  { from: 'src/packetcapture', forbids: ['src/inventory', 'src/tree', 'src/wizards', 'src/commands', 'src/webview'], reason: 'src/packetcapture reads capture files and shows their summary with src/core alone' },
  ...['src/core', 'src/inventory', 'src/tree', 'src/wizards', 'src/commands', 'src/flowlogs', 'src/webview', 'src/packetcapture'].map(
    (from): LayerRule => ({ from, forbids: ['@azure/'], reason: 'only src/azure imports the Azure SDKs (@azure/*)' }),
  ),
];

function describeCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

describe('architecture: the layers of src', () => {
  const graph = readImportGraph(root, 'src');

  it('reads every source file and its imports', () => {
    assert.ok(graph.size > 100, `only ${graph.size} files under src`);
    assert.ok(graph.get('src/extension.ts')?.some((edge) => edge.specifier === 'vscode'));
    assert.ok(graph.get('src/azure/armActionRunner.ts')?.some((edge) => edge.to === 'src/core/plan.ts'));
  });

  it('imports point down only: no folder imports one above it or beside it', () => {
    const violations = layerViolations(graph, rules);
    assert.deepEqual(violations, [], `Imports that break the layering:\n${violations.join('\n')}`);
  });

  it('has no import cycles', () => {
    const cycles = importCycles(graph);
    assert.deepEqual(cycles.map(describeCycle), [], `Import cycles:\n${cycles.map(describeCycle).join('\n')}`);
  });
});

describe('architecture: the import checker', () => {
  function graphOf(files: Record<string, readonly (string | { package: string })[]>): ImportGraph {
    return new Map(
      Object.entries(files).map(([from, targets]) => [
        from,
        targets.map((target, index) => (typeof target === 'string' ? { from, line: index + 1, specifier: `./${target}`, to: target } : { from, line: index + 1, specifier: target.package })),
      ]),
    );
  }

  it('finds static, type, re-export, side-effect, dynamic and require imports, but not text in comments or strings', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export { c } from './c';",
      "import './d';",
      "// import { e } from './e';",
      "const text = \"import { f } from './f'\";",
      "const g = await import('./g');",
      "const h = require('./h');",
      "export * from 'vscode';",
    ].join('\n');
    assert.deepEqual(importsIn(text), [
      { specifier: './a', line: 1 },
      { specifier: '../b', line: 2 },
      { specifier: './c', line: 3 },
      { specifier: './d', line: 4 },
      { specifier: './g', line: 7 },
      { specifier: './h', line: 8 },
      { specifier: 'vscode', line: 9 },
    ]);
  });

  it('names the file, line, import and rule of every forbidden import', () => {
    const graph = graphOf({
      'src/core/plan.ts': ['src/core/addresses.ts', { package: 'vscode' }, 'src/azure/armIds.ts'],
      'src/core/addresses.ts': [{ package: 'ipaddr.js' }],
      'src/azure/armActionRunner.ts': ['src/core/plan.ts', 'src/wizards/shared/applyPlan.ts'],
      'src/wizards/shared/applyPlan.ts': ['src/azure/armIds.ts', { package: '@azure/arm-network' }],
      'src/azure/armIds.ts': [{ package: '@azure/core-auth' }],
    });
    const sdkReason = 'only src/azure imports the Azure SDKs (@azure/*)';
    assert.deepEqual(layerViolations(graph, rules), [
      `src/core/plan.ts:2 imports 'vscode': ${rules[0].reason}`,
      `src/core/plan.ts:3 imports './src/azure/armIds.ts' (src/azure/armIds.ts): ${rules[0].reason}`,
      `src/azure/armActionRunner.ts:2 imports './src/wizards/shared/applyPlan.ts' (src/wizards/shared/applyPlan.ts): ${rules[1].reason}`,
      `src/wizards/shared/applyPlan.ts:2 imports '@azure/arm-network': ${sdkReason}`,
    ]);
  });

  it('reports each cycle with its files, including one file importing itself, and nothing for a graph without one', () => {
    const graph = graphOf({
      'src/tree/storageNodes.ts': ['src/tree/flowLogBlobNode.ts', 'src/tree/treeNode.ts'],
      'src/tree/flowLogBlobNode.ts': ['src/tree/storageNodes.ts', 'src/tree/treeNode.ts'],
      'src/tree/treeNode.ts': [],
      'src/wizards/a.ts': ['src/wizards/b.ts'],
      'src/wizards/b.ts': ['src/wizards/c.ts'],
      'src/wizards/c.ts': ['src/wizards/a.ts', 'src/tree/treeNode.ts'],
      'src/core/self.ts': ['src/core/self.ts'],
      'src/webview/x.ts': ['src/webview/y.ts'],
      'src/webview/y.ts': ['src/webview/x.ts', 'src/webview/z.ts'],
      'src/webview/z.ts': ['src/webview/y.ts'],
    });
    assert.deepEqual(importCycles(graph), [
      ['src/core/self.ts', 'src/core/self.ts'],
      ['src/tree/flowLogBlobNode.ts', 'src/tree/storageNodes.ts', 'src/tree/flowLogBlobNode.ts'],
      ['src/webview/x.ts', 'src/webview/y.ts', 'src/webview/x.ts'],
      ['src/webview/z.ts', 'src/webview/y.ts', 'src/webview/z.ts'],
      ['src/wizards/a.ts', 'src/wizards/b.ts', 'src/wizards/c.ts', 'src/wizards/a.ts'],
    ]);
    assert.deepEqual(importCycles(graphOf({ 'src/a.ts': ['src/b.ts'], 'src/b.ts': ['src/c.ts'], 'src/c.ts': [] })), []);
  });
});
