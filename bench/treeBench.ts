/**
 * The inventory tree at scale: the extension's own ArmNetworkApi and SubscriptionInventory (the
 * code the tree runs on expand) against the ARM stand-in with the scale estate (20 subscriptions,
 * 200 VNets, 5,000 NICs) and 50 ms latency per request. Prints the time to the subscription list,
 * the time to a fully expanded subscription, the time until a subscription has all its NICs and
 * the requests made per subscription, once with each subscription's network in 1 resource group
 * and once spread over 20, then a subscription holding all 5,000 NICs: listed through Resource
 * Graph (Resource Manager pages them 50 at a time here), and once more from Resource Manager's pages only.
 *
 *   node out/bench/treeBench.js     (or through `npm run bench`)
 *
 * Targets: requests per subscription do not grow with the number of resource groups (the tree
 * lists subscription-wide, never per group); a subscription's 5,000 NICs appear in under 2 s.
 */
import { ArmNetworkApi } from '../src/azure/armNetworkApi';
import type { SubscriptionRef } from '../src/azure/networkApi';
import { SubscriptionInventory, sectionNames } from '../src/inventory/subscriptionInventory';
import { TestCredential } from '../test/standin/credential';
import { startStandIn } from '../test/standin/server';
import { scaleTenantId, scaleTopology } from '../test/standin/topologies/scale';
import type { ResourceGroupSpec, Topology } from '../test/standin/topology';

const latencyMs = 50;
const nicRoute = 'GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces';
const graphRoute = 'POST /providers/Microsoft.ResourceGraph/resources';
const nicTargetMs = 2000;

/** The scale generator's one resource group per subscription for VNets, NSGs and NICs. */
const networkGroup = 'rg-network';

/**
 * The same estate with each subscription's `rg-network` split into `groups` resource groups
 * (`rg-network-00`, …): VNet k and its NSG go to group k mod `groups`, NIC n and its VM to group
 * n mod `groups`, so NICs sit in other groups than their subnets' VNets, as Azure allows. Every
 * reference is rewritten to the resource's new group; names, addresses and counts stay the same.
 */
export function spreadOverResourceGroups(topology: Topology, groups: number): Topology {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new Error(`groups must be a whole number of at least 1, got ${groups}.`);
  }
  const groupName = (index: number): string => `${networkGroup}-${String(index % groups).padStart(2, '0')}`;
  const idPattern = new RegExp(`/resourceGroups/${networkGroup}/providers/(Microsoft\\.Network/(?:virtualNetworks|networkSecurityGroups|networkInterfaces)|Microsoft\\.Compute/virtualMachines)/([a-z]+)-(\\d+)`, 'g');
  const rewritten = JSON.parse(
    JSON.stringify(topology).replace(idPattern, (_match, type: string, prefix: string, digits: string) => `/resourceGroups/${groupName(Number(digits))}/providers/${type}/${prefix}-${digits}`),
  ) as Topology;
  const indexOf = (name: string): number => Number(/-(\d+)$/.exec(name)?.[1] ?? '0');
  for (const subscription of rewritten.subscriptions) {
    const source = subscription.resourceGroups.find((group) => group.name === networkGroup);
    if (source === undefined) {
      continue;
    }
    const spread: ResourceGroupSpec[] = Array.from({ length: groups }, (_, index) => ({
      name: groupName(index),
      location: source.location,
      networkSecurityGroups: [],
      virtualNetworks: [],
      networkInterfaces: [],
    }));
    for (const nsg of source.networkSecurityGroups ?? []) {
      spread[indexOf(nsg.name) % groups].networkSecurityGroups?.push(nsg);
    }
    for (const vnet of source.virtualNetworks ?? []) {
      spread[indexOf(vnet.name) % groups].virtualNetworks?.push(vnet);
    }
    for (const nic of source.networkInterfaces ?? []) {
      spread[indexOf(nic.name) % groups].networkInterfaces?.push(nic);
    }
    subscription.resourceGroups = [...subscription.resourceGroups.filter((group) => group !== source), ...spread];
  }
  return rewritten;
}

export interface SubscriptionMeasurement {
  name: string;
  nics: number;
  vnets: number;
  /** From the first list call until every section (VNets, NICs, NSGs, watchers with flow logs and captures, TAPs) has loaded. */
  expandedMs: number;
  /** From the first list call until the NIC list has every page. */
  nicsMs: number;
  requests: number;
  /** Requests per route template, e.g. `GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces`. */
  byRoute: Record<string, number>;
}

export interface EstateMeasurement {
  label: string;
  /** Resource groups in the whole estate. */
  resourceGroups: number;
  subscriptionListMs: number;
  subscriptionListRequests: number;
  subscriptions: SubscriptionMeasurement[];
}

/**
 * Starts the stand-in with `topology`, lists the subscriptions, then expands each subscription
 * in turn (one at a time, so the stand-in's request counts belong to that subscription).
 */
export async function measureEstate(label: string, topology: Topology, options: { latencyMs: number; pageSize?: number; useResourceGraph?: boolean }): Promise<EstateMeasurement> {
  const standIn = await startStandIn({ topology, latencyMs: options.latencyMs, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) });
  try {
    const credentials = new Map<string, TestCredential>();
    const credentialFor = (tenantId: string): TestCredential => {
      let credential = credentials.get(tenantId);
      if (credential === undefined) {
        credential = new TestCredential({ tenantId });
        credentials.set(tenantId, credential);
      }
      return credential;
    };
    const api = new ArmNetworkApi({
      endpoint: standIn.url,
      homeCredential: credentialFor(scaleTenantId),
      credentialForTenant: credentialFor,
      caPem: standIn.caPem,
      useResourceGraph: () => options.useResourceGraph ?? true,
    });
    standIn.requests.reset();
    const listStart = performance.now();
    const subscriptionRefs = await api.listSubscriptions();
    const subscriptionListMs = performance.now() - listStart;
    const subscriptionListRequests = standIn.requests.total;
    const resourceGroups = topology.subscriptions.reduce((sum, subscription) => sum + subscription.resourceGroups.length, 0);
    const subscriptions: SubscriptionMeasurement[] = [];
    for (const subscription of subscriptionRefs) {
      standIn.requests.reset();
      subscriptions.push(await expand(api, subscription, () => ({ total: standIn.requests.total, byRoute: standIn.requests.byRoute() })));
    }
    return { label, resourceGroups, subscriptionListMs, subscriptionListRequests, subscriptions };
  } finally {
    await standIn.close();
  }
}

async function expand(api: ArmNetworkApi, subscription: SubscriptionRef, requests: () => { total: number; byRoute: Record<string, number> }): Promise<SubscriptionMeasurement> {
  const problems: string[] = [];
  const inventory = new SubscriptionInventory(api, subscription, (what, problem) => problems.push(`${what}: ${problem.code} ${problem.message}`));
  const start = performance.now();
  let nicsMs = 0;
  const nicsLoaded = inventory.section('nics').then((result) => {
    nicsMs = performance.now() - start;
    return result;
  });
  await inventory.loadAll();
  // The lookups the tree's VNet, subnet and NIC rows are built from.
  inventory.index();
  const expandedMs = performance.now() - start;
  const nics = await nicsLoaded;
  const vnets = inventory.cached('vnets');
  for (const name of sectionNames) {
    const result = inventory.cached(name);
    if (result !== undefined && !result.ok) {
      problems.push(`${name}: ${result.problem.code} ${result.problem.message}`);
    }
  }
  if (problems.length > 0 || !nics.ok || vnets === undefined || !vnets.ok) {
    throw new Error(`Subscription ${subscription.displayName} did not load: ${problems.join('; ')}`);
  }
  const counted = requests();
  return { name: subscription.displayName, nics: nics.value.length, vnets: vnets.value.length, expandedMs, nicsMs, requests: counted.total, byRoute: counted.byRoute };
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

function spreadOf(values: number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? String(low) : `${low}–${high}`;
}

function printEstate(estate: EstateMeasurement): void {
  const subscriptions = estate.subscriptions;
  const largest = subscriptions.reduce((best, item) => (item.nics > best.nics ? item : best), subscriptions[0]);
  const totalNics = subscriptions.reduce((sum, item) => sum + item.nics, 0);
  const totalVnets = subscriptions.reduce((sum, item) => sum + item.vnets, 0);
  console.log(`${estate.label}: ${subscriptions.length} subscriptions, ${totalVnets} VNets, ${totalNics.toLocaleString('en-US')} NICs, ${estate.resourceGroups} resource groups in all`);
  console.log(`  subscription list                ${ms(estate.subscriptionListMs)} (${estate.subscriptionListRequests} requests: tenants, then subscriptions per tenant)`);
  console.log(`  fully expanded subscription      ${ms(Math.min(...subscriptions.map((item) => item.expandedMs)))} fastest, ${ms(Math.max(...subscriptions.map((item) => item.expandedMs)))} slowest (${largest.name}: ${ms(largest.expandedMs)})`);
  console.log(`  all NICs of ${largest.name.padEnd(20)} ${ms(largest.nicsMs)} (${largest.nics.toLocaleString('en-US')} NICs)`);
  console.log(`  requests per subscription        ${spreadOf(subscriptions.map((item) => item.requests))}`);
}

function printRoutes(subscription: SubscriptionMeasurement): void {
  console.log(`  requests for ${subscription.name}, by route:`);
  for (const [route, count] of Object.entries(subscription.byRoute)) {
    console.log(`    ${String(count).padStart(4)}  ${route}`);
  }
}

export async function runTreeBench(): Promise<void> {
  console.log('');
  console.log(`Inventory tree against the ARM stand-in, ${latencyMs} ms per request, 50 items per page (the stand-in's default)`);
  console.log('');
  const oneGroup = await measureEstate('scale estate, network in 1 resource group per subscription', scaleTopology(), { latencyMs });
  printEstate(oneGroup);
  printRoutes(oneGroup.subscriptions[0]);
  console.log('');
  const spread = await measureEstate('scale estate, network in 20 resource groups per subscription', spreadOverResourceGroups(scaleTopology(), 20), { latencyMs });
  printEstate(spread);
  console.log('');
  const single = await measureEstate('one subscription', scaleTopology({ subscriptions: 1 }), { latencyMs });
  const holder = single.subscriptions[0];
  const pagesOnly = (await measureEstate('one subscription, Resource Manager pages only', scaleTopology({ subscriptions: 1 }), { latencyMs, useResourceGraph: false })).subscriptions[0];
  console.log(`one subscription with all ${holder.vnets} VNets and ${holder.nics.toLocaleString('en-US')} NICs`);
  const graphQueries = holder.byRoute[graphRoute] ?? 0;
  console.log(`  all NICs                         ${ms(holder.nicsMs)} (${holder.byRoute[nicRoute] ?? 0} Resource Manager page, then ${graphQueries} Resource Graph queries: 1, then ${graphQueries - 1} side by side)`);
  console.log(`  fully expanded subscription      ${ms(holder.expandedMs)} (${holder.requests} requests)`);
  // nextLink pages can only be fetched one after another: the page count sets the time.
  const armPages = pagesOnly.byRoute[nicRoute] ?? 0;
  console.log(`  all NICs, Resource Manager only  ${ms(pagesOnly.nicsMs)} (${armPages} pages one after another, ${armPages > 0 ? ms(pagesOnly.nicsMs / armPages) : '?'} per page; trafficLens.inventory.useResourceGraph off)`);
  console.log(`  Resource Graph / pages only      ${(holder.nicsMs / pagesOnly.nicsMs).toFixed(2)}× the time`);
  console.log('');

  const perSubscription = (estate: EstateMeasurement): string => spreadOf(estate.subscriptions.map((item) => item.requests));
  const sameRequests = oneGroup.subscriptions.every((item, index) => spread.subscriptions[index]?.requests === item.requests);
  console.log('Targets');
  console.log(
    `  requests per subscription constant in resource groups: 1 group ${perSubscription(oneGroup)}, 20 groups ${perSubscription(spread)}  ${sameRequests ? 'met' : 'MISSED'}`,
  );
  console.log(`  5,000 NICs in under ${ms(nicTargetMs)}: ${ms(holder.nicsMs)}  ${holder.nicsMs < nicTargetMs ? 'met' : 'MISSED'}`);
}

// Bundled into run.js as well, where `require.main === module` also holds: check the script name.
if (/treeBench\.js$/.test(process.argv[1] ?? '')) {
  runTreeBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`Tree benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
