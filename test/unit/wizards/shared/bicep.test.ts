/**
 * The Bicep CLI is not installed here (and is not downloaded for tests), so these tests check the
 * generated files structurally: scopes, resource types and api-versions, that every symbol used by
 * `parent:`, `dependsOn` or a module is declared earlier, literals that read back as the plan's
 * values, and that every ARM id a resource refers to exists before it is deployed.
 */
import assert from 'node:assert/strict';
import { bicepString, bicepValue, toBicep, type BicepFile } from '../../../../src/wizards/shared/bicep';
import { parseArmPath } from '../../../../src/wizards/shared/armPath';
import type { Plan, PlanAction } from '../../../../src/core/plan';
import {
  PlanBuilder,
  allPlans,
  flowLogsPlan,
  hostileGroup,
  hostileName,
  hostilePlan,
  migratePlan,
  netId,
  packetCapturePlan,
  peeringPlan,
  removePlan,
  rgId,
  resources,
  subA,
  subB,
  syncPlan,
  tapPlan,
  tenantA,
} from './exportPlans';

interface Declaration {
  kind: 'resource' | 'module';
  symbol: string;
  /** `Microsoft.Network/virtualNetworkTaps@2026-01-01`, or a module's path. */
  target: string;
  existing: boolean;
  line: number;
  /** Body lines up to the closing brace. */
  body: string[];
}

/** Reads a string literal starting at `text[start]` (a quote); returns its value and the index after it. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let index = start + 1;
  while (index < text.length && text[index] !== "'") {
    if (text[index] === '\\') {
      const next = text[index + 1];
      const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };
      if (next === 'u') {
        const close = text.indexOf('}', index);
        value += String.fromCodePoint(parseInt(text.slice(index + 3, close), 16));
        index = close + 1;
        continue;
      }
      assert.ok(next in escapes, `unknown escape \\${next}`);
      value += escapes[next];
      index += 2;
      continue;
    }
    assert.notEqual(text[index], '\n', 'a string literal runs over a line end');
    assert.ok(!(text[index] === '$' && text[index + 1] === '{'), 'an unescaped ${ would be interpolated');
    value += text[index];
    index++;
  }
  assert.ok(index < text.length, 'unterminated string literal');
  return { value, end: index + 1 };
}

/** The file with comments and string literals taken out, and the literals' values. */
function tokens(content: string): { code: string; strings: string[] } {
  let code = '';
  const strings: string[] = [];
  for (let index = 0; index < content.length; ) {
    if (content.startsWith('//', index)) {
      index = content.indexOf('\n', index);
      index = index < 0 ? content.length : index;
    } else if (content[index] === "'") {
      const { value, end } = readString(content, index);
      strings.push(value);
      code += 'S';
      index = end;
    } else {
      code += content[index];
      index++;
    }
  }
  return { code, strings };
}

function declarations(file: BicepFile): Declaration[] {
  const lines = file.content.split('\n');
  const found: Declaration[] = [];
  lines.forEach((line, index) => {
    const match = /^(resource|module) (\w+) '([^']+)'( existing)? = \{$/.exec(line);
    if (match) {
      const close = lines.indexOf('}', index);
      found.push({ kind: match[1] as 'resource' | 'module', symbol: match[2], target: match[3], existing: match[4] !== undefined, line: index, body: lines.slice(index + 1, close) });
    }
  });
  return found;
}

/** Symbols a declaration refers to: its `parent:` and its `dependsOn` entries. */
function references(declaration: Declaration): string[] {
  const found: string[] = [];
  let inDependsOn = false;
  for (const line of declaration.body) {
    const parent = /^ {2}parent: (\w+)$/.exec(line);
    if (parent) {
      found.push(parent[1]);
    }
    if (line === '  dependsOn: [') {
      inDependsOn = true;
    } else if (line === '  ]') {
      inDependsOn = false;
    } else if (inDependsOn) {
      found.push(line.trim());
    }
  }
  return found;
}

function fileNamed(files: BicepFile[], path: string): BicepFile {
  const file = files.find((candidate) => candidate.path === path);
  assert.ok(file, `no file ${path}`);
  return file;
}

/** Puts a template declares: not kept, no extra query parameters. */
function declarablePuts(plan: Plan): PlanAction[] {
  return plan.actions.filter((action) => action.kind === 'put' && action.existing !== 'same' && action.query === undefined);
}

/** Modules main.bicep deploys, with everything each waits for, directly or not. */
function moduleWaits(main: BicepFile): Map<string, Set<string>> {
  const declared = declarations(main);
  const waits = new Map<string, Set<string>>();
  for (const declaration of declared) {
    const all = new Set<string>();
    for (const symbol of references(declaration)) {
      all.add(symbol);
      for (const inner of waits.get(symbol) ?? []) {
        all.add(inner);
      }
    }
    waits.set(declaration.symbol, all);
  }
  return waits;
}

describe('Bicep from a plan', () => {
  for (const plan of [...allPlans(), hostilePlan()]) {
    describe(`${plan.kind}: ${plan.title.split('\n')[0]}`, () => {
      const { files } = toBicep(plan);
      const main = files[0];

      it('has main.bicep first at subscription scope and a resource-group-scoped file per module', () => {
        assert.equal(main.path, 'main.bicep');
        assert.match(main.content, /^targetScope = 'subscription'$/m);
        assert.match(main.content, /^\/\/ {3}az deployment sub create --location \S+ --subscription [0-9a-f-]{36} --template-file main\.bicep$/m);
        for (const file of files.slice(1)) {
          assert.match(file.path, /^modules\/[A-Za-z0-9._-]+\.bicep$/);
          assert.match(file.content, /^targetScope = '(resourceGroup|subscription)'$/m);
        }
        assert.equal(new Set(files.map((file) => file.path.toLowerCase())).size, files.length);
      });

      it('holds only literals, symbols and Bicep punctuation outside comments and strings', () => {
        for (const file of files) {
          const { code } = tokens(file.content);
          assert.match(code, /^[\sA-Za-z0-9_{}[\]():=,.-]*$/, file.path);
        }
      });

      it("declares every resource at the plan's type and a valid api-version, once per put", () => {
        const planTypes = new Set(plan.actions.flatMap((action) => action.resourceType.split('/').slice(1).map((_, index, all) => `${action.resourceType.split('/')[0]}/${all.slice(0, index + 1).join('/')}`.toLowerCase())));
        let created = 0;
        for (const file of files) {
          for (const declaration of declarations(file).filter((candidate) => candidate.kind === 'resource')) {
            const [type, version] = declaration.target.split('@');
            assert.ok(planTypes.has(type.toLowerCase()), `${file.path}: ${type} is not a type of the plan`);
            assert.match(version, /^\d{4}-\d{2}-\d{2}(-preview)?$/);
            created += declaration.existing ? 0 : 1;
          }
        }
        assert.equal(created, declarablePuts(plan).length);
      });

      it('declares every symbol before parent:, dependsOn or a module uses it, and every module file exists', () => {
        for (const file of files) {
          const seen = new Set<string>();
          for (const declaration of declarations(file)) {
            assert.ok(!seen.has(declaration.symbol), `${file.path}: ${declaration.symbol} declared twice`);
            for (const symbol of references(declaration)) {
              assert.ok(seen.has(symbol), `${file.path}: ${declaration.symbol} uses ${symbol} before it is declared`);
            }
            if (declaration.kind === 'module') {
              fileNamed(files, declaration.target);
            }
            seen.add(declaration.symbol);
          }
        }
      });

      it('refers by id only to resources that exist, or that are deployed before it', () => {
        const waits = moduleWaits(main);
        const moduleSymbolOf = new Map(declarations(main).filter((declaration) => declaration.kind === 'module').map((declaration) => [declaration.target, declaration.symbol]));
        const puts = declarablePuts(plan);
        for (const file of files.slice(1)) {
          const declared = declarations(file);
          for (const declaration of declared.filter((candidate) => !candidate.existing)) {
            const ids = tokens(declaration.body.join('\n')).strings.filter((value) => value.toLowerCase().startsWith('/subscriptions/'));
            for (const id of ids) {
              const creator = puts.find((action) => id.toLowerCase() === action.resourceId.toLowerCase() || id.toLowerCase().startsWith(`${action.resourceId.toLowerCase()}/`));
              if (!creator || parseArmPath(creator.resourceId).names.length === 0) {
                continue;
              }
              const creatorFile = files.find((candidate) => declarations(candidate).some((other) => !other.existing && other.body.includes(`  name: ${bicepString(creator.resourceId.split('/').pop() ?? '')}`)));
              assert.ok(creatorFile, `${id} is created by no file`);
              if (creatorFile === file) {
                const creatorLine = declared.find((other) => !other.existing && other.body.includes(`  name: ${bicepString(creator.resourceId.split('/').pop() ?? '')}`))?.line ?? Infinity;
                assert.ok(creatorLine < declaration.line, `${file.path}: ${declaration.symbol} refers to ${id} declared later`);
              } else {
                const own = moduleSymbolOf.get(file.path);
                const other = moduleSymbolOf.get(creatorFile.path);
                if (own && other) {
                  assert.ok(waits.get(own)?.has(other), `${file.path} refers to ${id} from ${creatorFile.path} without waiting for it`);
                }
              }
            }
          }
        }
      });

      it('lists what a template cannot do as steps with their az command', () => {
        const steps = plan.actions.filter((action) => action.existing !== 'same' && (action.kind !== 'put' || action.query !== undefined));
        for (const step of steps) {
          assert.ok(main.content.includes(`. ${step.title}\n//        az `), `step missing: ${step.title}`);
        }
      });
    });
  }

  it('declares TAP, NSG rule and tap configuration with existing parents, and VM stop/start as steps around the deployment', () => {
    const { files } = toBicep(tapPlan());
    const main = files[0].content;
    assert.deepEqual(
      files.map((file) => file.path),
      ['main.bicep', 'modules/8b1d4e72-rg-monitor.bicep', 'modules/8b1d4e72-rg-app.bicep'],
    );
    assert.ok(main.indexOf('Run these first') < main.indexOf('Deallocate vm-web-1'));
    assert.ok(main.indexOf('Then run these') < main.indexOf('Start vm-web-1'));
    assert.match(main, /Already in place, so not declared again:\n\/\/ {3}- Keep tap configuration tap-to-collector on nic-web-2/);
    const app = fileNamed(files, 'modules/8b1d4e72-rg-app.bicep').content;
    assert.match(app, /resource networkInterfaces_nic_web_1 'Microsoft\.Network\/networkInterfaces@2026-01-01' existing = \{\n {2}name: 'nic-web-1'\n\}/);
    assert.match(app, /parent: networkInterfaces_nic_web_1\n {2}name: 'tap-to-collector'/);
    assert.match(main, /module module_8b1d4e72_rg_app 'modules\/8b1d4e72-rg-app\.bicep' = \{\n {2}name: '[^']+'\n {2}scope: resourceGroup\('8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24', 'rg-app'\)\n {2}dependsOn: \[\n {4}module_8b1d4e72_rg_monitor\n {2}\]/);
  });

  it('creates resource groups in main.bicep and makes their modules wait; flow logs take the watcher as parent', () => {
    const { files } = toBicep(flowLogsPlan());
    const main = files[0].content;
    assert.match(main, /resource resourceGroup_NetworkWatcherRG 'Microsoft\.Resources\/resourceGroups@2025-04-01' = \{\n {2}name: 'NetworkWatcherRG'\n {2}location: 'germanywestcentral'\n\}/);
    assert.match(main, /scope: resourceGroup\('[^']+', 'NetworkWatcherRG'\)\n {2}dependsOn: \[\n {4}resourceGroup_NetworkWatcherRG\n {4}module_8b1d4e72_rg_logs\n {2}\]/);
    const watcherFile = fileNamed(files, 'modules/8b1d4e72-NetworkWatcherRG.bicep').content;
    assert.match(watcherFile, /parent: networkWatchers_NetworkWatcher_germanywestcentral\n {2}name: 'fl-vnet-app'/);
    assert.ok(!/existing/.test(watcherFile), 'the watcher is created in the same file, not referenced as existing');
    assert.match(main, /1\. Register Microsoft\.Insights in Production\n\/\/ {8}az provider register/);
  });

  it('splits a resource group into a second module rather than make two modules wait for each other', () => {
    const plan = new PlanBuilder();
    const first = plan.add({ kind: 'put', resourceId: netId(subA, 'rg-one', 'networkSecurityGroups/nsg-a/securityRules/r1'), resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules', body: { properties: { priority: 100 } } });
    const second = plan.add({ kind: 'put', resourceId: netId(subA, 'rg-two', 'networkSecurityGroups/nsg-b/securityRules/r2'), resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules', body: { properties: { priority: 100 } }, dependsOn: [first] });
    plan.add({ kind: 'put', resourceId: netId(subA, 'rg-one', 'networkSecurityGroups/nsg-a/securityRules/r3'), resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules', body: { properties: { priority: 110 } }, dependsOn: [second] });
    const { files } = toBicep(plan.plan('tap', 'Split'));
    assert.deepEqual(
      files.map((file) => file.path),
      ['main.bicep', 'modules/8b1d4e72-rg-one.bicep', 'modules/8b1d4e72-rg-two.bicep', 'modules/8b1d4e72-rg-one-2.bicep'],
    );
    assert.match(files[0].content, /module module_8b1d4e72_rg_one_2 [^\n]+\n[^\n]+\n[^\n]+\n {2}dependsOn: \[\n {4}module_8b1d4e72_rg_two\n {2}\]/);
  });

  it('keeps dependsOn between resources of one module, leaving out the implicit parent', () => {
    const plan = new PlanBuilder();
    const nsgRule = plan.add({ kind: 'put', resourceId: netId(subA, 'rg-one', 'networkSecurityGroups/nsg-a/securityRules/r1'), resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules', body: { properties: { priority: 100 } } });
    plan.add({ kind: 'put', resourceId: netId(subA, 'rg-one', 'networkSecurityGroups/nsg-a/securityRules/r2'), resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules', body: { properties: { priority: 110 } }, dependsOn: [nsgRule] });
    const module = toBicep(plan.plan('tap', 'Rules')).files[1].content;
    assert.match(module, /name: 'r2'\n {2}properties: \{\n {4}priority: 110\n {2}\}\n {2}dependsOn: \[\n {4}securityRules_r1\n {2}\]/);
  });

  it('deploys modules for other tenants and cross-tenant peerings on their own, with --aux-tenants', () => {
    const { files } = toBicep(peeringPlan());
    const main = files[0].content;
    assert.match(main, /az deployment group create --subscription c3d4e5f6-0a1b-4c2d-9e8f-7a6b5c4d3e2f --resource-group rg-spoke --template-file modules\/c3d4e5f6-rg-spoke\.bicep --aux-tenants 72f988bf-86f1-41af-91ab-2d7cd011db47/);
    assert.match(main, /--template-file modules\/8b1d4e72-rg-hub\.bicep --aux-tenants f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9/);
    assert.ok(!/^module /m.test(main), 'main.bicep (tenant B) holds no module of tenant A');
    assert.match(main, /Run these first; a Bicep deployment cannot:\n\/\/ {3}1\. Delete Disconnected peering vnet-spoke-c-to-vnet-hub/);
    const spoke = fileNamed(files, 'modules/c3d4e5f6-rg-spoke.bicep').content;
    assert.match(spoke, /remoteVirtualNetwork: \{\n {6}id: '\/subscriptions\/8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24\/resourceGroups\/rg-hub\/providers\/Microsoft\.Network\/virtualNetworks\/vnet-hub'/);
    assert.match(spoke, /allowForwardedTraffic: true\n {4}allowGatewayTransit: false\n {4}useRemoteGateways: true/);
  });

  it('keeps same-tenant modules of other subscriptions in main.bicep', () => {
    const plan = new PlanBuilder();
    plan.add({ kind: 'put', resourceId: rgId(subA, 'rg-new'), resourceType: 'Microsoft.Resources/resourceGroups', apiVersion: resources, body: { location: 'germanywestcentral' } });
    plan.add({ kind: 'put', resourceId: rgId(subB, 'rg-other'), resourceType: 'Microsoft.Resources/resourceGroups', apiVersion: resources, body: { location: 'germanywestcentral' }, tenantId: tenantA });
    plan.add({ kind: 'put', resourceId: netId(subB, 'rg-other', 'networkSecurityGroups/nsg/securityRules/r'), resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules', body: { properties: { priority: 100 } }, dependsOn: ['a2'] });
    const { files } = toBicep(plan.plan('tap', 'Groups'));
    const main = files[0].content;
    assert.match(main, /module module_c3d4e5f6_resource_groups 'modules\/c3d4e5f6-resource-groups\.bicep' = \{\n[^\n]+\n {2}scope: subscription\('c3d4e5f6-0a1b-4c2d-9e8f-7a6b5c4d3e2f'\)/);
    assert.match(main, /scope: resourceGroup\('c3d4e5f6-0a1b-4c2d-9e8f-7a6b5c4d3e2f', 'rg-other'\)\n {2}dependsOn: \[\n {4}module_c3d4e5f6_resource_groups\n {2}\]/);
    assert.match(fileNamed(files, 'modules/c3d4e5f6-resource-groups.bicep').content, /^targetScope = 'subscription'$/m);
  });

  it('makes a peering sync, an NSG flow log delete and a packet capture stop steps, not resources', () => {
    assert.match(toBicep(syncPlan()).files[0].content, /az network vnet peering sync/);
    const migrate = toBicep(migratePlan()).files;
    assert.match(migrate[0].content, /Then run these; a Bicep deployment cannot:\n\/\/ {3}1\. Delete NSG flow log fl-nsg-web\n\/\/ {8}az network watcher flow-log delete/);
    assert.match(migrate[1].content, /name: 'fl-nsg-web'\n {2}location: 'germanywestcentral'\n {2}properties: \{\n {4}targetResourceId: '[^']+'\n[^]*?enabled: false/);
    assert.match(toBicep(packetCapturePlan()).files[0].content, /Stop packet capture pc-web-1\n\/\/ {8}az network watcher packet-capture stop/);
    const remove = toBicep(removePlan()).files;
    assert.equal(remove.length, 1, 'a plan of deletes has nothing to declare');
    assert.match(remove[0].content, /az rest \\\n\/\/ {10}--method delete/);
  });

  it('writes hostile names and values as literals that read back exactly', () => {
    const plan = hostilePlan();
    const { files } = toBicep(plan);
    const strings = files.flatMap((file) => tokens(file.content).strings);
    assert.ok(strings.includes(hostileName));
    assert.ok(strings.includes(hostileGroup));
    assert.ok(strings.includes("it's"));
    assert.ok(strings.includes('$HOME ${x}'));
    assert.ok(strings.includes("it's $HOME `id` ${x}\nnext line"));
    assert.ok(files.every((file) => file.path.startsWith('modules/') ? /^modules\/[A-Za-z0-9._-]+\.bicep$/.test(file.path) : file.path === 'main.bicep'));
  });

  it('renders every kind of JSON value as a Bicep literal', () => {
    assert.equal(bicepValue({ a: 1, 'b-c': [true, null, 'x'], d: {}, e: [], f: 1.5, g: -3 }), "{\n  a: 1\n  'b-c': [\n    true\n    null\n    'x'\n  ]\n  d: {}\n  e: []\n  f: json('1.5')\n  g: -3\n}");
    assert.equal(bicepString("a'b\\c${d}\n"), "'a\\'b\\\\c\\${d}\\n'");
  });

  it('never writes secrets', () => {
    const plan = packetCapturePlan();
    const agent = plan.actions[0];
    agent.body = { ...agent.body, properties: { ...(agent.body?.properties as object), protectedSettings: { storageAccountKey: 'hunter2' } } };
    assert.ok(toBicep(plan).files.every((file) => !file.content.includes('hunter2')));
  });
});
