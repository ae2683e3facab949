/**
 * Applying a large plan: 500 tap configurations (one per NIC, all to one virtual network TAP, in one
 * subscription and region), sent by the extension's own ArmActionRunner and applyPlan against the
 * ARM stand-in with 100 ms latency per request, 10% of requests answered 429 at random
 * (Retry-After 1 s) and ARM's write bucket switched on (200 tokens, refilled at 10 per second).
 *
 *   node out/bench/applyBench.js     (or through `npm run bench`; TRAFFIC_LENS_BENCH_APPLY=0 skips it)
 *   TRAFFIC_LENS_BENCH_APPLY_NICS=500, TRAFFIC_LENS_BENCH_APPLY_CONCURRENCY=100 change the size and the parallelism.
 *
 * Azure's write limits set a floor no client can beat: the bucket's 200 writes at once, then 10
 * per second. Target: no failures and a total time within 1.3 times that floor.
 */
import { ArmActionRunner } from '../src/azure/armActionRunner';
import { ScopedCredential, UnsignedTestCredential } from '../src/azure/credentials';
import { applyPlan } from '../src/wizards/shared/applyPlan';
import type { Plan, PlanAction } from '../src/core/plan';
import { networkApiVersion } from '../src/wizards/shared/apiVersions';
import { startStandIn } from '../test/standin/server';
import { armIds, type NetworkInterfaceSpec, type Topology } from '../test/standin/topology';
import { armWriteBuckets, type WriteBucket } from '../test/standin/writeLimits';

const benchTenantId = '0b7d3c55-6a1e-4f2b-9c8d-1e2f3a4b5c6d';
const benchSubscriptionId = '5d9e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a';
const group = 'rg-bench-network';
const latencyMs = 100;
const throttleRate = 0.1;
const targetRatio = 1.3;

/**
 * The least time `writes` writes can take under a token bucket that starts full: the burst goes at
 * once, every write after it waits for a refill, and the last answer takes one request's latency.
 * `writeLimitBoundMs(500, { bucket: 200, refillPerSecond: 10 }, 100)` → 30,100 ms.
 */
export function writeLimitBoundMs(writes: number, limit: WriteBucket, requestLatencyMs: number): number {
  const afterBurst = Math.max(0, writes - limit.bucket);
  return Math.ceil(afterBurst / limit.refillPerSecond) * 1000 + requestLatencyMs;
}

/** One subscription, one region: a VNet, a collector NIC behind a virtual network TAP, and `nics` source NICs. */
export function applyBenchTopology(nics: number): Topology {
  const subnetId = armIds.subnet(benchSubscriptionId, group, 'vnet-bench', 'snet-sources');
  const collectorNicId = armIds.networkInterface(benchSubscriptionId, group, 'nic-collector');
  const nicSpec = (name: string, index: number): NetworkInterfaceSpec => ({
    name,
    subnetId,
    privateIpAddress: `10.50.${Math.floor((index + 4) / 250)}.${((index + 4) % 250) + 4}`,
    macAddress: `00-0D-3A-${hex(index >> 16)}-${hex(index >> 8)}-${hex(index)}`,
  });
  return {
    tenants: [{ tenantId: benchTenantId, displayName: 'Bench', defaultDomain: 'bench.example' }],
    subscriptions: [
      {
        subscriptionId: benchSubscriptionId,
        displayName: 'Bench',
        tenantId: benchTenantId,
        resourceGroups: [
          {
            name: group,
            location: 'westeurope',
            virtualNetworks: [{ name: 'vnet-bench', addressPrefixes: ['10.50.0.0/16'], subnets: [{ name: 'snet-sources', addressPrefix: '10.50.0.0/20' }] }],
            networkInterfaces: [nicSpec('nic-collector', nics), ...Array.from({ length: nics }, (_, index) => nicSpec(`nic-src-${String(index).padStart(4, '0')}`, index))],
            virtualNetworkTaps: [{ name: 'vtap-bench', destinationIpConfigurationId: armIds.ipConfiguration(collectorNicId) }],
          },
        ],
      },
    ],
  };
}

/** The actions the TAP wizard plans for `nics` sources: one tap configuration PUT per NIC, independent of each other. */
export function tapConfigurationActions(nics: number): PlanAction[] {
  const tapId = armIds.virtualNetworkTap(benchSubscriptionId, group, 'vtap-bench');
  return Array.from({ length: nics }, (_, index) => {
    const nicName = `nic-src-${String(index).padStart(4, '0')}`;
    return {
      id: `a${index + 1}`,
      kind: 'put',
      title: `Create tap configuration tapcfg-bench on ${nicName}`,
      resourceId: `${armIds.networkInterface(benchSubscriptionId, group, nicName)}/tapConfigurations/tapcfg-bench`,
      resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
      apiVersion: networkApiVersion,
      body: { properties: { virtualNetworkTap: { id: tapId } } },
      dependsOn: [],
      tenantId: benchTenantId,
      existing: 'absent',
    };
  });
}

export interface ApplyMeasurement {
  actions: number;
  totalMs: number;
  boundMs: number;
  requests: number;
  throttled: number;
  /** Of those, 429s from the write bucket (the rest are the random ones). */
  writeLimitThrottled: number;
  /** When the last action was started, from the start of the apply. */
  lastStartMs: number;
  failures: number;
  failureCodes: Record<string, number>;
}

export async function measureApply(nics: number, concurrency: number): Promise<ApplyMeasurement> {
  const standIn = await startStandIn({ topology: applyBenchTopology(nics), latencyMs });
  try {
    standIn.faults.randomThrottle({ rate: throttleRate, retryAfterSeconds: 1, seed: 1 });
    standIn.faults.limitWrites(armWriteBuckets);
    const credential = new UnsignedTestCredential(benchTenantId);
    const runner = new ArmActionRunner({
      resourceManagerEndpoint: standIn.url,
      credentialForTenant: (tenantId) => new ScopedCredential(credential, 'https://management.core.windows.net//.default', tenantId),
      caPem: standIn.caPem,
    });
    const plan: Plan = { kind: 'tap', title: `Mirror ${nics} NICs`, summary: [], checks: [], warnings: [], actions: tapConfigurationActions(nics) };
    standIn.requests.reset();
    const startedAt = Date.now();
    const started = performance.now();
    const report = await applyPlan(plan, runner, { concurrency });
    const totalMs = performance.now() - started;
    const lastStartMs = Math.max(...report.outcomes.map((outcome) => (outcome.startedAt ? Date.parse(outcome.startedAt) - startedAt : 0)));
    const failureCodes: Record<string, number> = {};
    for (const outcome of report.outcomes.filter((item) => item.status !== 'succeeded')) {
      failureCodes[outcome.code ?? outcome.status] = (failureCodes[outcome.code ?? outcome.status] ?? 0) + 1;
    }
    return {
      actions: plan.actions.length,
      totalMs,
      boundMs: writeLimitBoundMs(plan.actions.length, armWriteBuckets.write, latencyMs),
      requests: standIn.requests.total,
      throttled: standIn.faults.throttledCount(),
      writeLimitThrottled: standIn.faults.writeLimits.throttled,
      lastStartMs,
      failures: report.outcomes.filter((item) => item.status !== 'succeeded').length,
      failureCodes,
    };
  } finally {
    await standIn.close();
  }
}

export async function runApplyBench(): Promise<void> {
  const nics = Math.max(1, Number(process.env.TRAFFIC_LENS_BENCH_APPLY_NICS ?? '500') || 500);
  const concurrency = Math.max(1, Number(process.env.TRAFFIC_LENS_BENCH_APPLY_CONCURRENCY ?? '100') || 100);
  console.log('');
  console.log(
    `Apply ${nics} tap configurations against the ARM stand-in: ${latencyMs} ms per request, ${throttleRate * 100}% random 429s (Retry-After 1 s), ` +
      `ARM write bucket ${armWriteBuckets.write.bucket} + ${armWriteBuckets.write.refillPerSecond}/s, concurrency ${concurrency}`,
  );
  const result = await measureApply(nics, concurrency);
  const ratio = result.totalMs / result.boundMs;
  console.log(`  actions                          ${result.actions}`);
  console.log(`  total time                       ${seconds(result.totalMs)}`);
  console.log(`  bound set by ARM's write limits  ${seconds(result.boundMs)} (burst ${armWriteBuckets.write.bucket}, then ${armWriteBuckets.write.refillPerSecond}/s, plus one request)`);
  console.log(`  ratio total/bound                ${ratio.toFixed(2)}`);
  console.log(`  requests made                    ${result.requests}`);
  console.log(`  last action started at           ${seconds(result.lastStartMs)}`);
  console.log(`  429s answered                    ${result.throttled} (${result.writeLimitThrottled} from the write bucket, the rest at random)`);
  console.log(`  failures                         ${result.failures}${result.failures > 0 ? ` ${JSON.stringify(result.failureCodes)}` : ''}`);
  console.log(`  target: 0 failures and ratio <= ${targetRatio}: ${result.failures === 0 && ratio <= targetRatio ? 'met' : 'MISSED'}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function hex(value: number): string {
  return (value & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

// Bundled into run.js as well, where `require.main === module` also holds: check the script name.
if (/applyBench\.js$/.test(process.argv[1] ?? '')) {
  runApplyBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`Apply benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
