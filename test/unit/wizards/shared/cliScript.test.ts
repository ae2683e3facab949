import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote, toAzureCliScript } from '../../../../src/wizards/shared/cliScript';
import { actionsToSend, type Plan } from '../../../../src/core/plan';
import {
  allPlans,
  flowLogsPlan,
  hostileGroup,
  hostileName,
  hostilePlan,
  migratePlan,
  packetCapturePlan,
  peeringPlan,
  removePlan,
  storageId,
  subA,
  subB,
  syncPlan,
  tapId,
  tapPlan,
  tenantA,
  tenantB,
  vnetApp,
  workspaceId,
} from './exportPlans';

/**
 * The `az` commands and flags the script may use, from the Azure CLI reference
 * (learn.microsoft.com/cli/azure: group, provider, extension, network vnet tap, network nic
 * vtap-config, network vnet peering, network nsg rule, network watcher, network watcher flow-log,
 * network watcher packet-capture, storage account, vm, vm extension, rest). Azure CLI itself is not
 * installed here, so the tests run the script against a stand-in `az` that records its arguments.
 */
const knownCommands: Record<string, string[]> = {
  'group create': ['--name', '--location', '--tags'],
  'group delete': ['--name', '--yes'],
  'provider register': ['--namespace', '--wait'],
  'extension add': ['--name', '--upgrade'],
  'network vnet tap create': ['--resource-group', '--name', '--location', '--destination', '--port', '--tags'],
  'network vnet tap delete': ['--resource-group', '--name'],
  'network nic vtap-config create': ['--resource-group', '--nic-name', '--name', '--vnet-tap'],
  'network nic vtap-config delete': ['--resource-group', '--nic-name', '--name'],
  'network vnet peering create': ['--resource-group', '--vnet-name', '--name', '--remote-vnet', '--allow-vnet-access', '--allow-forwarded-traffic', '--allow-gateway-transit', '--use-remote-gateways'],
  'network vnet peering delete': ['--resource-group', '--vnet-name', '--name'],
  'network vnet peering sync': ['--resource-group', '--vnet-name', '--name'],
  'network nsg rule create': [
    '--resource-group',
    '--nsg-name',
    '--name',
    '--priority',
    '--direction',
    '--access',
    '--protocol',
    '--source-address-prefixes',
    '--source-port-ranges',
    '--destination-address-prefixes',
    '--destination-port-ranges',
    '--description',
  ],
  'network nsg rule delete': ['--resource-group', '--nsg-name', '--name'],
  'network watcher configure': ['--resource-group', '--locations', '--enabled'],
  'network watcher flow-log create': [
    '--location',
    '--name',
    '--resource-group',
    '--vnet',
    '--subnet',
    '--nic',
    '--nsg',
    '--storage-account',
    '--enabled',
    '--retention',
    '--format',
    '--log-version',
    '--traffic-analytics',
    '--workspace',
    '--interval',
    '--filtering-criteria',
    '--record-types',
    '--tags',
  ],
  'network watcher flow-log update': ['--location', '--name', '--enabled', '--retention', '--storage-account', '--traffic-analytics', '--workspace', '--interval'],
  'network watcher flow-log delete': ['--location', '--name'],
  'network watcher packet-capture create': ['--resource-group', '--vm', '--name', '--storage-account', '--storage-path', '--file-path', '--capture-size', '--capture-limit', '--time-limit', '--filters'],
  'network watcher packet-capture stop': ['--location', '--name'],
  'network watcher packet-capture delete': ['--location', '--name'],
  'storage account create': ['--name', '--resource-group', '--location', '--kind', '--sku', '--min-tls-version', '--allow-blob-public-access', '--https-only', '--allow-shared-key-access', '--access-tier', '--tags'],
  'storage account delete': ['--resource-group', '--name', '--yes'],
  'vm deallocate': ['--resource-group', '--name'],
  'vm start': ['--resource-group', '--name'],
  'vm restart': ['--resource-group', '--name'],
  'vm stop': ['--resource-group', '--name'],
  'vm extension set': ['--resource-group', '--vm-name', '--name', '--publisher', '--version', '--extension-instance-name', '--enable-auto-upgrade', '--settings'],
  'vm extension delete': ['--resource-group', '--vm-name', '--name'],
  rest: ['--method', '--url', '--body', '--headers'],
};
const globalFlags = ['--subscription', '--only-show-errors'];
/** Commands that take no `--subscription`: local ones, and `az rest`, whose URL names the subscription. */
const withoutSubscription = new Set(['extension add', 'rest']);

interface Invocation {
  words: string;
  args: string[];
  /** Flag → the values after it. */
  flags: Map<string, string[]>;
}

function parseInvocation(args: string[]): Invocation {
  const firstFlag = args.findIndex((arg) => arg.startsWith('--'));
  const words = (firstFlag < 0 ? args : args.slice(0, firstFlag)).join(' ');
  const flags = new Map<string, string[]>();
  let current: string[] = [];
  for (const arg of firstFlag < 0 ? [] : args.slice(firstFlag)) {
    if (/^--[a-z]/.test(arg) && !flags.has(arg)) {
      current = [];
      flags.set(arg, current);
    } else {
      current.push(arg);
    }
  }
  return { words, args, flags };
}

/** Runs the script with a stand-in `az` on PATH that records each invocation's arguments exactly as bash passed them. */
function runWithRecordingAz(script: string): Invocation[] {
  const folder = mkdtempSync(join(tmpdir(), 'lens-az-'));
  try {
    const log = join(folder, 'az.log');
    writeFileSync(join(folder, 'az'), `#!/usr/bin/env bash\n{ printf '%s\\0' "$@"; printf '\\036\\0'; } >> "$AZ_LOG"\n`);
    chmodSync(join(folder, 'az'), 0o755);
    writeFileSync(join(folder, 'script.sh'), script);
    writeFileSync(log, '');
    const result = spawnSync('bash', [join(folder, 'script.sh')], { cwd: folder, env: { PATH: `${folder}:/usr/bin:/bin`, AZ_LOG: log, HOME: '/nonexistent-home' }, encoding: 'utf8' });
    assert.equal(result.status, 0, `script failed: ${result.stderr}`);
    const invocations: Invocation[] = [];
    let args: string[] = [];
    for (const field of readFileSync(log, 'utf8').split('\0').slice(0, -1)) {
      if (field === '\x1e') {
        invocations.push(parseInvocation(args));
        args = [];
      } else {
        args.push(field);
      }
    }
    return invocations;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function bashSyntaxProblem(script: string): string | undefined {
  const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return result.status === 0 ? undefined : result.stderr;
}

/** The invocations that stand for plan actions (the extension install is not one). */
function actionInvocations(invocations: Invocation[]): Invocation[] {
  return invocations.filter((invocation) => invocation.words !== 'extension add');
}

function flag(invocation: Invocation, name: string): string | undefined {
  return invocation.flags.get(name)?.join(' ');
}

/** ARM ids written in an invocation (URL-decoded, so `az rest` URLs count too). */
function idsIn(invocation: Invocation): string[] {
  const text = invocation.args.map((arg) => decodeURIComponent(arg)).join('\n');
  return [...text.matchAll(/\/subscriptions\/[^\s'"?\\,]+/gi)].map((match) => match[0]);
}

/** The action, later than `index`, that creates `id` or one of its parents: a reference to it would run too early. */
function createdLater(plan: Plan, index: number, id: string): string | undefined {
  const key = id.toLowerCase();
  return plan.actions
    .slice(index + 1)
    .find((action) => action.kind === 'put' && action.existing === 'absent' && (key === action.resourceId.toLowerCase() || key.startsWith(`${action.resourceId.toLowerCase()}/`)))?.id;
}

describe('Azure CLI script from a plan', function () {
  // Each test runs bash scripts; a busy machine needs more than mocha's default 2 s.
  this.timeout(30_000);

  for (const plan of [...allPlans(), hostilePlan()]) {
    describe(`${plan.kind}: ${plan.title.split('\n')[0]}`, () => {
      const script = toAzureCliScript(plan);
      let recorded: Invocation[] | undefined;
      const recordedRun = (): Invocation[] => (recorded ??= runWithRecordingAz(script));

      it('is valid bash with a header and strict mode', () => {
        assert.equal(bashSyntaxProblem(script), undefined);
        assert.ok(script.startsWith('#!/usr/bin/env bash\n'));
        assert.match(script, /^# Generated by Azure Traffic Lens/m);
        assert.match(script, /^set -euo pipefail$/m);
        assert.doesNotMatch(script, /az account set/);
      });

      it('runs one known az command per action to send, in plan order, each with --subscription', () => {
        const invocations = actionInvocations(recordedRun());
        const toSend = actionsToSend(plan);
        assert.equal(invocations.length, toSend.length, script);
        invocations.forEach((invocation, index) => {
          const action = toSend[index];
          const known = knownCommands[invocation.words];
          assert.ok(known, `unknown az command: az ${invocation.words}`);
          for (const name of invocation.flags.keys()) {
            assert.ok(known.includes(name) || globalFlags.includes(name), `az ${invocation.words} has no flag ${name}`);
          }
          if (withoutSubscription.has(invocation.words)) {
            assert.ok(decodeURIComponent(flag(invocation, '--url') ?? '').includes(`/subscriptions/${action.resourceId.split('/')[2]}`));
          } else {
            assert.equal(flag(invocation, '--subscription'), action.resourceId.split('/')[2], `az ${invocation.words} for ${action.id}`);
          }
        });
      });

      it('references only resources that exist already or that earlier actions create', () => {
        const invocations = actionInvocations(recordedRun());
        const toSend = actionsToSend(plan);
        invocations.forEach((invocation, index) => {
          const position = plan.actions.indexOf(toSend[index]);
          for (const id of idsIn(invocation)) {
            assert.equal(createdLater(plan, position, id), undefined, `${toSend[index].id} (az ${invocation.words}) references ${id} before it is created`);
          }
        });
      });
    });
  }

  it('turns each resource type into its idiomatic az command', () => {
    const words = (plan: Plan) => actionInvocations(runWithRecordingAz(toAzureCliScript(plan))).map((invocation) => invocation.words);
    assert.deepEqual(words(tapPlan()), ['network vnet tap create', 'network nsg rule create', 'vm deallocate', 'network nic vtap-config create', 'vm start']);
    assert.deepEqual(words(peeringPlan()), ['network vnet peering create', 'network vnet peering create', 'network vnet peering delete', 'network vnet peering create', 'network vnet peering create']);
    assert.deepEqual(words(syncPlan()), ['network vnet peering sync']);
    assert.deepEqual(words(flowLogsPlan()), ['provider register', 'group create', 'network watcher configure', 'storage account create', 'network watcher flow-log create', 'network watcher flow-log create']);
    assert.deepEqual(words(migratePlan()), ['network watcher flow-log create', 'network watcher flow-log update', 'network watcher flow-log delete']);
    assert.deepEqual(words(packetCapturePlan()), ['vm extension set', 'network watcher packet-capture create', 'network watcher packet-capture stop']);
    assert.deepEqual(words(removePlan()), [
      'network nic vtap-config delete',
      'network vnet tap delete',
      'network nsg rule delete',
      'network vnet peering delete',
      'network watcher packet-capture delete',
      'vm extension delete',
      'rest',
    ]);
  });

  it('passes the TAP, tap configuration and NSG rule settings', () => {
    const [, tap, rule, , config] = runWithRecordingAz(toAzureCliScript(tapPlan()));
    assert.equal(flag(tap, '--destination'), tapPlan().actions[0].body?.properties && (tapPlan().actions[0].body?.properties as { destinationNetworkInterfaceIPConfiguration: { id: string } }).destinationNetworkInterfaceIPConfiguration.id);
    assert.equal(flag(tap, '--port'), '4789');
    assert.equal(flag(tap, '--location'), 'germanywestcentral');
    assert.equal(flag(config, '--vnet-tap'), tapId);
    assert.equal(flag(config, '--nic-name'), 'nic-web-1');
    assert.deepEqual(
      ['--priority', '--direction', '--access', '--protocol', '--source-address-prefixes', '--destination-port-ranges'].map((name) => flag(rule, name)),
      ['200', 'Inbound', 'Allow', 'Udp', 'VirtualNetwork', '4789'],
    );
  });

  it('installs the virtual-network-tap extension only when a TAP command is used', () => {
    assert.equal(runWithRecordingAz(toAzureCliScript(tapPlan()))[0].words, 'extension add');
    assert.ok(!runWithRecordingAz(toAzureCliScript(flowLogsPlan())).some((invocation) => invocation.words === 'extension add'));
  });

  it('leaves actions already in place as comments', () => {
    const script = toAzureCliScript(tapPlan());
    assert.match(script, /^# 5\. Keep tap configuration tap-to-collector on nic-web-2: already in place, nothing to do\.$/m);
    assert.ok(!script.includes('nic-web-2 \\'));
  });

  it('writes peerings with their flags, and tells cross-tenant users to sign in to both tenants', () => {
    const script = toAzureCliScript(peeringPlan());
    const [spokeSide, hubSide] = runWithRecordingAz(script);
    assert.equal(flag(spokeSide, '--remote-vnet'), peeringPlan().actions[1].resourceId.split('/virtualNetworkPeerings/')[0]);
    assert.equal(flag(spokeSide, '--subscription'), subB);
    assert.deepEqual(
      ['--allow-vnet-access', '--allow-forwarded-traffic', '--allow-gateway-transit', '--use-remote-gateways'].map((name) => flag(spokeSide, name)),
      ['true', 'true', 'false', 'true'],
    );
    assert.equal(flag(hubSide, '--allow-gateway-transit'), 'true');
    assert.match(script, new RegExp(`^#   az login --tenant ${tenantA}$`, 'm'));
    assert.match(script, new RegExp(`^#   az login --tenant ${tenantB}$`, 'm'));
    assert.match(script, /^# Cross-tenant: az sends a token for tenant .* too \(taken from the --remote-vnet id\)/m);
  });

  it('writes flow logs with target, storage, retention and traffic analytics', () => {
    const invocations = runWithRecordingAz(toAzureCliScript(flowLogsPlan()));
    const [register, group, watcher, account, vnetLog, subnetLog] = invocations;
    assert.deepEqual(register.args, ['provider', 'register', '--namespace', 'Microsoft.Insights', '--wait', '--subscription', subA]);
    assert.deepEqual([flag(group, '--name'), flag(group, '--location')], ['NetworkWatcherRG', 'germanywestcentral']);
    assert.deepEqual([flag(watcher, '--resource-group'), flag(watcher, '--locations'), flag(watcher, '--enabled')], ['NetworkWatcherRG', 'germanywestcentral', 'true']);
    assert.deepEqual([flag(account, '--kind'), flag(account, '--sku'), flag(account, '--min-tls-version'), flag(account, '--allow-blob-public-access')], ['StorageV2', 'Standard_LRS', 'TLS1_2', 'false']);
    assert.equal(flag(vnetLog, '--vnet'), vnetApp);
    assert.equal(flag(vnetLog, '--storage-account'), storageId);
    assert.deepEqual(
      ['--location', '--retention', '--format', '--log-version', '--traffic-analytics', '--workspace', '--interval'].map((name) => flag(vnetLog, name)),
      ['germanywestcentral', '30', 'JSON', '2', 'true', workspaceId, '10'],
    );
    assert.equal(flag(subnetLog, '--subnet'), `${vnetApp}/subnets/snet-web`);
    assert.equal(subnetLog.flags.has('--workspace'), false);
    assert.equal(subnetLog.flags.has('--retention'), false);
  });

  it('disables an NSG flow log with update --enabled false and notes the question Apply asks', () => {
    const script = toAzureCliScript(migratePlan());
    const [, disable, remove] = runWithRecordingAz(script);
    assert.deepEqual(disable.args, ['network', 'watcher', 'flow-log', 'update', '--location', 'germanywestcentral', '--name', 'fl-nsg-web', '--enabled', 'false', '--subscription', subA]);
    assert.deepEqual([flag(remove, '--location'), flag(remove, '--name')], ['germanywestcentral', 'fl-nsg-web']);
    assert.match(script, /^# Apply asks before this step: Disable the NSG flow log fl-nsg-web/m);
  });

  it('writes the agent, packet capture and stop', () => {
    const [agent, capture, stop] = runWithRecordingAz(toAzureCliScript(packetCapturePlan()));
    assert.deepEqual(
      ['--vm-name', '--name', '--publisher', '--version'].map((name) => flag(agent, name)),
      ['vm-web-1', 'NetworkWatcherAgentLinux', 'Microsoft.Azure.NetworkWatcher', '1.4'],
    );
    assert.equal(flag(capture, '--time-limit'), '300');
    assert.deepEqual(JSON.parse(flag(capture, '--filters') ?? ''), [{ protocol: 'TCP', localPort: '443' }]);
    assert.deepEqual([flag(stop, '--location'), flag(stop, '--name')], ['germanywestcentral', 'pc-web-1']);
  });

  it('states above each az command the api-version Apply sends it with', () => {
    const script = toAzureCliScript(tapPlan());
    assert.match(script, /# Apply sends Microsoft\.Network\/virtualNetworkTaps at api-version=2026-01-01; az network vnet tap create uses the api-version of the installed Azure CLI\.\naz network vnet tap create/);
    assert.match(script, /# Apply sends Microsoft\.Compute\/virtualMachines at api-version=2026-04-01; az vm deallocate uses the api-version of the installed Azure CLI\.\naz vm deallocate/);
    assert.doesNotMatch(toAzureCliScript(hostilePlan()), /# Apply sends Microsoft\.Network\/applicationSecurityGroups/, 'az rest states it in its URL');
  });

  it('falls back to az rest with the exact body when no az command can say it all', () => {
    const plan = hostilePlan();
    const rest = actionInvocations(runWithRecordingAz(toAzureCliScript(plan))).find((invocation) => invocation.words === 'rest');
    assert.ok(rest);
    assert.equal(flag(rest, '--method'), 'put');
    const url = new URL(flag(rest, '--url') ?? '');
    assert.equal(url.origin, 'https://management.azure.com');
    assert.equal(decodeURIComponent(url.pathname), plan.actions[2].resourceId);
    assert.equal(url.searchParams.get('api-version'), '2026-01-01');
    assert.deepEqual(JSON.parse(flag(rest, '--body') ?? ''), plan.actions[2].body);

    const sovereign = runWithRecordingAz(toAzureCliScript(removePlan(), { resourceManagerEndpoint: 'https://management.usgovcloudapi.net/' })).pop();
    assert.ok(flag(sovereign as Invocation, '--url')?.startsWith('https://management.usgovcloudapi.net/subscriptions/'));
    assert.equal(flag(sovereign as Invocation, '--method'), 'delete');
  });

  it('keeps hostile names intact: quotes, $, backticks, spaces and newlines reach az as written', () => {
    const plan = hostilePlan();
    const script = toAzureCliScript(plan);
    assert.equal(bashSyntaxProblem(script), undefined);
    const [, tap, config] = runWithRecordingAz(script);
    assert.equal(flag(tap, '--resource-group'), hostileGroup);
    assert.equal(flag(tap, '--name'), hostileName);
    assert.equal(flag(tap, '--tags'), "it's=$HOME ${x}");
    assert.equal(flag(config, '--nic-name'), 'nic web');
    assert.equal(flag(config, '--vnet-tap'), plan.actions[0].resourceId);
    // A title's newline must not end the comment and run the rest as a command.
    assert.match(script, /^# 1\. Create TAP .* rm -rf \/$/m);
    assert.match(script, /^# Warning: Warning with newline \$\(id\)$/m);
  });

  it('quotes only what needs quoting', () => {
    assert.equal(shellQuote('rg-app'), 'rg-app');
    assert.equal(shellQuote('/subscriptions/x/resourceGroups/rg'), '/subscriptions/x/resourceGroups/rg');
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('-rf'), "'-rf'");
    assert.equal(shellQuote('$HOME'), "'$HOME'");
  });

  it('never writes secrets', () => {
    const plan = packetCapturePlan();
    const agent = plan.actions[0];
    agent.body = { ...agent.body, properties: { ...(agent.body?.properties as object), protectedSettings: { storageAccountKey: 'hunter2' } } };
    const script = toAzureCliScript(plan);
    assert.ok(!script.includes('hunter2'));
    assert.match(script, /az rest \\\n {2}--method put/);
  });
});
