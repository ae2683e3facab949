/**
 * Option 1C of "Set Up Traffic Monitoring…" at scale: 20 spoke subscriptions of 25 VM NICs each
 * mirrored to an existing collector NIC in a hub subscription, all in germanywestcentral. The estate
 * is read from the ARM stand-in the way the wizard reads it (SubscriptionInventory, readTapEstate,
 * the peering wizard's networks), the plan is built by planMirrorSetUp (20×2 peerings, one virtual
 * network TAP, 500 tap configurations), and applied by the extension's own ArmActionRunner and
 * applyPlan against the stand-in with 100 ms latency per request, ARM's write buckets switched on
 * and 10% of requests answered 429 at random (Retry-After 1 s), as applyBench does.
 *
 *   node out/bench/setUpBench.js     (or through `npm run bench`; TRAFFIC_LENS_BENCH_SETUP=0 skips it,
 *                                     TRAFFIC_LENS_BENCH_ONLY=setup runs only it)
 *   TRAFFIC_LENS_BENCH_SETUP_SPOKES=20, TRAFFIC_LENS_BENCH_SETUP_NICS=25 change the size.
 *
 * Target: no failures and a total time within 1.3 times the bound: the larger of what ARM's write
 * limits set and the plan's own schedule (its chain of dependent long-running writes and its width
 * at the apply's concurrency, each write taking what one write alone takes in the same run); the
 * write limits alone allow about one request here.
 */
import type { ArmProblem } from '../src/azure/armProblem';
import { ArmActionRunner } from '../src/azure/armActionRunner';
import { ArmClients } from '../src/azure/armClients';
import { ArmNetworkApi } from '../src/azure/armNetworkApi';
import type { SignedInAccount } from '../src/azure/azureSignIn';
import { ScopedCredential, UnsignedTestCredential } from '../src/azure/credentials';
import type { Plan } from '../src/core/plan';
import type { EstateSubscription } from '../src/inventory/estate';
import { SubscriptionInventory } from '../src/inventory/subscriptionInventory';
import { peeringVnetOf, type PeeringVnet } from '../src/wizards/peering/peeringVnet';
import { planMirrorSetUp } from '../src/wizards/setup/mirrorPlan';
import { applyPlan } from '../src/wizards/shared/applyPlan';
import { networkApiVersion } from '../src/wizards/shared/apiVersions';
import { readTapEstate } from '../src/wizards/tap/tapEstate';
import { startStandIn } from '../test/standin/server';
import { armIds, type NetworkInterfaceSpec, type SubscriptionSpec, type Topology } from '../test/standin/topology';
import { armWriteBuckets } from '../test/standin/writeLimits';
import { writeLimitBoundMs } from './applyBench';

const tenantId = '3a8c1e5f-7b2d-4c9e-a1f3-6d8b0e2c4a79';
const region = 'germanywestcentral';
const latencyMs = 100;
const throttleRate = 0.1;
const targetRatio = 1.3;
const concurrency = 100;

/** Subscription `index` (0 is the hub). */
export function setUpBenchSubscriptionId(index: number): string {
  return `5e7b0000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

const hubGroup = 'rg-hub-network';
export const setUpBenchHubVnetId = armIds.virtualNetwork(setUpBenchSubscriptionId(0), hubGroup, 'vnet-hub');
export const setUpBenchCollectorNicId = armIds.networkInterface(setUpBenchSubscriptionId(0), hubGroup, 'nic-collector-01');

function hex(value: number): string {
  return (value & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

/**
 * A hub subscription (vnet-hub 10.0.0.0/16 with the collector VM's NIC in snet-collectors) and
 * `spokes` spoke subscriptions, spoke k with vnet-spoke-k (10.k.0.0/16) and `nicsPerSpoke` VM NICs;
 * nothing is peered yet and no TAP exists.
 */
export function setUpBenchTopology(spokes: number, nicsPerSpoke: number): Topology {
  const hubSubscription = setUpBenchSubscriptionId(0);
  const collectorSubnetId = armIds.subnet(hubSubscription, hubGroup, 'vnet-hub', 'snet-collectors');
  const subscriptions: SubscriptionSpec[] = [
    {
      subscriptionId: hubSubscription,
      displayName: 'Bench Security Hub',
      tenantId,
      resourceGroups: [
        {
          name: hubGroup,
          location: region,
          virtualNetworks: [{ name: 'vnet-hub', addressPrefixes: ['10.0.0.0/16'], subnets: [{ name: 'snet-collectors', addressPrefix: '10.0.1.0/24' }] }],
          networkInterfaces: [
            {
              name: 'nic-collector-01',
              subnetId: collectorSubnetId,
              privateIpAddress: '10.0.1.4',
              macAddress: '00-0D-3A-00-00-01',
              virtualMachineId: armIds.virtualMachine(hubSubscription, hubGroup, 'vm-collector-01'),
              acceleratedNetworking: true,
            },
          ],
        },
      ],
    },
  ];
  for (let spoke = 1; spoke <= spokes; spoke += 1) {
    const subscriptionId = setUpBenchSubscriptionId(spoke);
    const label = String(spoke).padStart(2, '0');
    const group = `rg-spoke-${label}`;
    const vnet = `vnet-spoke-${label}`;
    const subnetId = armIds.subnet(subscriptionId, group, vnet, 'snet-app');
    const nics: NetworkInterfaceSpec[] = Array.from({ length: nicsPerSpoke }, (_, index) => ({
      name: `nic-app-${label}-${String(index).padStart(2, '0')}`,
      subnetId,
      privateIpAddress: `10.${spoke}.1.${index + 4}`,
      macAddress: `00-0D-3A-${hex(spoke)}-${hex(index >> 8)}-${hex(index)}`,
      virtualMachineId: armIds.virtualMachine(subscriptionId, group, `vm-app-${label}-${String(index).padStart(2, '0')}`),
      acceleratedNetworking: true,
    }));
    subscriptions.push({
      subscriptionId,
      displayName: `Bench Spoke ${label}`,
      tenantId,
      resourceGroups: [{ name: group, location: region, virtualNetworks: [{ name: vnet, addressPrefixes: [`10.${spoke}.0.0/16`], subnets: [{ name: 'snet-app', addressPrefix: `10.${spoke}.1.0/24` }] }], networkInterfaces: nics }],
    });
  }
  return { tenants: [{ tenantId, displayName: 'Bench', defaultDomain: 'bench.example' }], subscriptions };
}

/**
 * The bound ARM's write limits set on a plan: each subscription has its own bucket of 200 tokens
 * refilled at 10 per second (armWriteBuckets, from
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling),
 * so a subscription's `w` writes take at least ceil(max(0, w − 200) / 10) s plus one request's
 * latency (`writeLimitBoundMs`), and the buckets drain side by side: the plan's bound is the largest
 * subscription's. With 26 writes per spoke subscription (its peering and 25 tap configurations) and
 * 21 in the hub's, every bucket holds the whole burst and the bound is one request's latency.
 * `depth` is the longest chain of actions that must run one after another (dependsOn): the hub's
 * 20 peerings go one at a time (Azure refuses a second write on a VNet while one is in flight,
 * see serializeVirtualNetworkWrites), then the TAP, then its tap configurations. Each link is a
 * long-running operation, so that chain, not the write limits, is what the time is made of.
 */
export function setUpWriteBound(plan: Plan, requestLatencyMs: number): { boundMs: number; writesBySubscription: Map<string, number>; depth: number } {
  const writesBySubscription = new Map<string, number>();
  for (const action of plan.actions) {
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(action.resourceId)?.[1]?.toLowerCase() ?? '';
    writesBySubscription.set(subscriptionId, (writesBySubscription.get(subscriptionId) ?? 0) + 1);
  }
  const byId = new Map(plan.actions.map((action) => [action.id, action]));
  const depths = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = depths.get(id);
    if (known !== undefined) {
      return known;
    }
    const depth = 1 + Math.max(0, ...(byId.get(id)?.dependsOn ?? []).filter((dependency) => byId.has(dependency)).map(depthOf));
    depths.set(id, depth);
    return depth;
  };
  const depth = Math.max(0, ...plan.actions.map((action) => depthOf(action.id)));
  const boundMs = Math.max(0, ...[...writesBySubscription.values()].map((writes) => writeLimitBoundMs(writes, armWriteBuckets.write, requestLatencyMs)));
  return { boundMs, writesBySubscription, depth };
}

/**
 * The plan's time with no throttling and every write taking `linkMs` (one long-running write timed
 * alone): actions start in plan order as soon as what they depend on has ended and one of
 * `concurrency` slots is free, as applyPlan starts them. What is left over in a real run is what
 * 429s, polling and pacing cost.
 */
export function idealScheduleMs(plan: Plan, concurrency: number, linkMs: number): number {
  const ends = new Map<string, number>();
  const slots = new Array<number>(Math.max(1, concurrency)).fill(0);
  for (const action of plan.actions) {
    const ready = Math.max(0, ...action.dependsOn.map((dependency) => ends.get(dependency) ?? 0));
    let slot = 0;
    for (let index = 1; index < slots.length; index++) {
      if (slots[index] < slots[slot]) {
        slot = index;
      }
    }
    const end = Math.max(ready, slots[slot]) + linkMs;
    slots[slot] = end;
    ends.set(action.id, end);
  }
  return Math.max(0, ...ends.values());
}

export interface SetUpMeasurement {
  actions: number;
  byType: Record<string, number>;
  failedChecks: string[];
  readMs: number;
  totalMs: number;
  boundMs: number;
  /** One long-running write alone, no faults: the time of one link of the chain. */
  linkMs: number;
  /** The plan run with no throttling, every write taking `linkMs`, at the bench's concurrency. */
  scheduleMs: number;
  depth: number;
  maxWritesPerSubscription: number;
  requests: number;
  throttled: number;
  writeLimitThrottled: number;
  failures: number;
  failureCodes: Record<string, number>;
  tapConfigurationsRead: number;
}

export async function measureSetUp(spokes: number, nicsPerSpoke: number): Promise<SetUpMeasurement> {
  const standIn = await startStandIn({ topology: setUpBenchTopology(spokes, nicsPerSpoke), latencyMs });
  try {
    const credential = new UnsignedTestCredential(tenantId);
    const credentialForTenant = (tenant: string) => new ScopedCredential(credential, 'https://management.core.windows.net//.default', tenant);
    const clients = new ArmClients({ credentialForTenant, resourceManagerEndpoint: standIn.url, caPem: standIn.caPem });
    const api = new ArmNetworkApi({ endpoint: standIn.url, homeCredential: credential, credentialForTenant, caPem: standIn.caPem, clients });
    const account: SignedInAccount = {
      id: 'bench',
      label: 'bench',
      kind: 'test',
      api,
      tenantProblems: new Map(),
      credentialForScope: (scope, tenant) => new ScopedCredential(credential, scope, tenant),
      credentialForTenant,
      resourceManagerEndpoint: standIn.url,
      clients,
    };
    const readStarted = performance.now();
    const problems: string[] = [];
    const report = (what: string, problem: ArmProblem): void => {
      problems.push(`${what}: ${problem.code} ${problem.message}`);
    };
    const estate: EstateSubscription[] = (await api.listSubscriptions()).map((subscription) => ({ subscription, account, inventory: new SubscriptionInventory(api, subscription, report) }));
    const tap = await readTapEstate(estate, (entry, error) => problems.push(`load balancers of ${entry.subscription.displayName}: ${String(error)}`));
    const vnets: PeeringVnet[] = [];
    for (const entry of estate) {
      const listed = await entry.inventory.section('vnets');
      if (!listed.ok) {
        throw new Error(`Listing the VNets of ${entry.subscription.displayName}: ${listed.problem.code} ${listed.problem.message}`);
      }
      vnets.push(...listed.value.map((vnet) => peeringVnetOf(vnet, entry.subscription)));
    }
    if (problems.length > 0) {
      throw new Error(`Reading the estate: ${problems.join('; ')}`);
    }
    const readMs = performance.now() - readStarted;
    const collectorNicId = setUpBenchCollectorNicId.toLowerCase();
    const destination = tap.destinations.find((item) => item.kind === 'nic' && item.parentArmId.toLowerCase() === collectorNicId);
    if (destination === undefined) {
      throw new Error('The collector NIC was not read from the stand-in.');
    }
    const plan = planMirrorSetUp(
      {
        option: '1C',
        hub: { kind: 'existing', vnetId: setUpBenchHubVnetId.toLowerCase() },
        collector: { kind: 'existing', destinationId: destination.id },
        sourceIds: tap.nics.filter((nic) => nic.id !== collectorNicId).map((nic) => nic.id),
        tapName: 'vtap-collectors',
        configurationName: 'tapcfg-collectors',
        restartVms: false,
      },
      { tap, vnets },
    );
    const byType: Record<string, number> = {};
    for (const action of plan.actions) {
      byType[action.resourceType] = (byType[action.resourceType] ?? 0) + 1;
    }
    const { boundMs, writesBySubscription, depth } = setUpWriteBound(plan, latencyMs);

    const runner = new ArmActionRunner({ resourceManagerEndpoint: standIn.url, credentialForTenant, caPem: standIn.caPem });
    // One link of the chain on its own, before the faults: a long-running PUT (an NSG in the hub's
    // resource group), sent and polled to the end by the same runner.
    const hubGroup = setUpBenchHubVnetId.replace(/\/providers\/.*$/i, '');
    const linkStarted = performance.now();
    const link = await applyPlan(
      {
        kind: 'monitoringSetUp',
        title: 'one link',
        summary: [],
        checks: [],
        warnings: [],
        actions: [{ id: 'a1', kind: 'put', title: 'one link', resourceId: `${hubGroup}/providers/Microsoft.Network/networkSecurityGroups/nsg-bench-link`, resourceType: 'Microsoft.Network/networkSecurityGroups', apiVersion: networkApiVersion, body: { location: region }, dependsOn: [], tenantId, existing: 'absent' }],
      },
      runner,
      { concurrency: 1 },
    );
    const linkMs = performance.now() - linkStarted;
    if (!link.complete) {
      throw new Error(`The single long-running write failed: ${JSON.stringify(link.outcomes)}`);
    }

    standIn.faults.randomThrottle({ rate: throttleRate, retryAfterSeconds: 1, seed: 1 });
    standIn.faults.limitWrites(armWriteBuckets);
    standIn.requests.reset();
    const started = performance.now();
    const applied = await applyPlan(plan, runner, { concurrency });
    const totalMs = performance.now() - started;
    const requests = standIn.requests.total;
    const throttled = standIn.faults.throttledCount();
    const writeLimitThrottled = standIn.faults.writeLimits.throttled;
    const failureCodes: Record<string, number> = {};
    for (const outcome of applied.outcomes.filter((item) => item.status !== 'succeeded')) {
      failureCodes[outcome.code ?? outcome.status] = (failureCodes[outcome.code ?? outcome.status] ?? 0) + 1;
    }
    // What Azure holds afterwards, read with the faults off: every source NIC has its tap configuration.
    standIn.faults.randomThrottle({ rate: 0, retryAfterSeconds: 1, seed: 1 });
    standIn.faults.limitWrites(undefined);
    await Promise.all(estate.map((entry) => { entry.inventory.invalidate('nics'); return entry.inventory.section('nics'); }));
    const tapConfigurationsRead = estate.reduce((sum, entry) => sum + [...entry.inventory.index().nicsById.values()].filter((nic) => ((nic.properties as { tapConfigurations?: unknown[] } | undefined)?.tapConfigurations ?? []).length > 0).length, 0);
    return {
      actions: plan.actions.length,
      byType,
      failedChecks: plan.checks.filter((check) => check.status === 'failed').map((check) => `${check.id}: ${check.detail}`),
      readMs,
      totalMs,
      boundMs,
      linkMs,
      scheduleMs: idealScheduleMs(plan, concurrency, linkMs),
      depth,
      maxWritesPerSubscription: Math.max(...writesBySubscription.values()),
      requests,
      throttled,
      writeLimitThrottled,
      failures: applied.outcomes.filter((item) => item.status !== 'succeeded').length,
      failureCodes,
      tapConfigurationsRead,
    };
  } finally {
    await standIn.close();
  }
}

export async function runSetUpBench(): Promise<void> {
  const spokes = Math.max(1, Number(process.env.TRAFFIC_LENS_BENCH_SETUP_SPOKES ?? '20') || 20);
  const nicsPerSpoke = Math.max(1, Math.min(250, Number(process.env.TRAFFIC_LENS_BENCH_SETUP_NICS ?? '25') || 25));
  console.log('');
  console.log(
    `Set up option 1C: ${spokes} spoke subscriptions × ${nicsPerSpoke} NICs to an existing collector NIC, ${region}, against the ARM stand-in: ${latencyMs} ms per request, ` +
      `${throttleRate * 100}% random 429s (Retry-After 1 s), ARM write bucket ${armWriteBuckets.write.bucket} + ${armWriteBuckets.write.refillPerSecond}/s per subscription, concurrency ${concurrency}`,
  );
  const result = await measureSetUp(spokes, nicsPerSpoke);
  // The write limits alone bound this plan at about one request (every subscription's burst fits its
  // bucket); what a plan cannot beat is its chain of writes that must run one after another (the
  // hub's peerings, one write at a time on the hub network, then the TAP, then a tap configuration),
  // each a long-running operation, and the waves its 500 tap configurations take at the apply's
  // concurrency. The bound is the larger of the write limits' and that schedule's.
  const boundMs = Math.max(result.boundMs, result.scheduleMs);
  const ratio = result.totalMs / boundMs;
  console.log(`  actions                          ${result.actions} (${Object.entries(result.byType).map(([type, count]) => `${count} ${type.split('/').pop()}`).join(', ')})`);
  console.log(`  failed plan checks               ${result.failedChecks.length === 0 ? 'none' : result.failedChecks.join(' | ')}`);
  console.log(`  estate read before planning      ${seconds(result.readMs)}`);
  console.log(`  total apply time                 ${seconds(result.totalMs)}`);
  console.log(`  bound set by ARM's write limits  ${seconds(result.boundMs)} (at most ${result.maxWritesPerSubscription} writes in one subscription: burst ${armWriteBuckets.write.bucket}, then ${armWriteBuckets.write.refillPerSecond}/s, plus one request)`);
  console.log(`  bound set by the plan's schedule ${seconds(result.scheduleMs)} (chain of ${result.depth} dependent writes, ${concurrency} at once, each ${seconds(result.linkMs)} as one long-running write measured alone)`);
  console.log(`  ratio total/bound                ${ratio.toFixed(2)} (total / the larger bound; total / write-limit bound alone: ${(result.totalMs / Math.max(1, result.boundMs)).toFixed(0)})`);
  console.log(`  requests made                    ${result.requests}`);
  console.log(`  429s answered                    ${result.throttled} (${result.writeLimitThrottled} from the write buckets, the rest at random)`);
  console.log(`  NICs with a tap configuration    ${result.tapConfigurationsRead}`);
  console.log(`  failures                         ${result.failures}${result.failures > 0 ? ` ${JSON.stringify(result.failureCodes)}` : ''}`);
  console.log(`  target: 0 failures and ratio <= ${targetRatio}: ${result.failures === 0 && ratio <= targetRatio ? 'met' : 'MISSED'}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// Bundled into run.js as well, where `require.main === module` also holds: check the script name.
if (/setUpBench\.js$/.test(process.argv[1] ?? '')) {
  runSetUpBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`Set-up benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
