import type { TokenCredential } from '@azure/core-auth';
import type { NetworkManagementClient } from '@azure/arm-network';
import type { FlowLog, NetworkInterface, NetworkSecurityGroup, NetworkWatcher, PacketCaptureResult, SecurityRule, VirtualNetwork, VirtualNetworkTap } from '@azure/arm-network';
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { StorageAccount } from '@azure/arm-storage';
import { idKey, nameOf, resourceGroupOf } from './armIds';
import { settleBounded } from './bounded';
import { ArmClients } from './armClients';
import { toArmProblem, type ArmProblem } from './armProblem';
import { graphRows } from './resourceGraph';
import type {
  FlowLogRef,
  NetworkApi,
  NetworkWatcherRef,
  NicRef,
  NsgRef,
  PacketCaptureRef,
  PacketCaptureStatusRef,
  PeeringRef,
  SecurityRuleRef,
  StorageAccountRef,
  SubnetRef,
  SubscriptionRef,
  TenantRef,
  VirtualNetworkTapRef,
  VnetRef,
} from './networkApi';

export interface ArmNetworkApiOptions {
  /** Resource Manager URL, e.g. `https://management.azure.com` or the stand-in's `https://127.0.0.1:<port>`. */
  endpoint: string;
  /** The credential for the account's home tenant (lists tenants). */
  homeCredential: TokenCredential;
  /** A credential for one tenant (lists its subscriptions and reads their resources). */
  credentialForTenant(tenantId: string): TokenCredential;
  /** Extra CA certificates (PEM), for tests that start the stand-in in-process. */
  caPem?: string;
  /** The account's shared SDK clients (default: clients of its own, built from the options above). */
  clients?: ArmClients;
  /** Tenants whose subscriptions are listed at once (default 4). */
  tenantConcurrency?: number;
  /** Called when a tenant's subscriptions cannot be listed (e.g. it needs its own sign-in); the others are still listed. */
  onTenantProblem?(tenant: TenantRef, problem: ArmProblem): void;
  /**
   * Lists a subscription's NICs through Azure Resource Graph when Resource Manager pages them
   * (default true): Resource Manager's pages come one after another, Resource Graph's 1,000 rows at
   * a time and side by side. Resource Graph can lag a change by some seconds. Asked on each list.
   */
  useResourceGraph?(): boolean;
  /** Told how a list was made when it took another way than Resource Manager's pages (for the output channel). */
  onNote?(message: string): void;
}

/**
 * How long after a change made here a subscription's lists skip Resource Graph, which takes in
 * changes from Resource Manager with a delay (usually seconds).
 */
export const graphCatchUpMs = 2 * 60_000;

/** A subscription's NICs in Resource Graph, with what the tree shows of them. `id` keeps paging stable. */
export const nicGraphQuery = [
  'Resources',
  "| where type =~ 'microsoft.network/networkinterfaces'",
  '| order by id asc',
  '| project id, name, type, location, resourceGroup, subscriptionId, tags, properties',
].join('\n');

/** `NetworkApi` on the official SDKs: their paging, retries and pollers. */
export class ArmNetworkApi implements NetworkApi {
  /** When this extension last changed each subscription (by id key). */
  private readonly changedAt = new Map<string, number>();

  private readonly clients: ArmClients;

  constructor(private readonly options: ArmNetworkApiOptions) {
    this.clients = options.clients ?? new ArmClients({ credentialForTenant: options.credentialForTenant, resourceManagerEndpoint: options.endpoint, caPem: options.caPem });
  }

  async listTenants(signal?: AbortSignal): Promise<TenantRef[]> {
    const client = this.clients.subscriptionClient(this.options.homeCredential);
    const tenants: TenantRef[] = [];
    for await (const tenant of client.tenants.list({ abortSignal: signal })) {
      if (tenant.tenantId) {
        tenants.push({ tenantId: tenant.tenantId.toLowerCase(), displayName: tenant.displayName ?? tenant.defaultDomain ?? tenant.tenantId, defaultDomain: tenant.defaultDomain });
      }
    }
    return tenants;
  }

  async listSubscriptions(signal?: AbortSignal): Promise<SubscriptionRef[]> {
    const tenants = await this.listTenants(signal);
    if (tenants.length === 0) {
      // Some identities (a service principal without directory read) see no tenants: list with the home token.
      return (await this.listTenantSubscriptions({ tenantId: '', displayName: '' }, signal, this.options.homeCredential)).sort((a, b) => a.displayName.localeCompare(b.displayName));
    }
    const results = await settleBounded(tenants, this.options.tenantConcurrency ?? 4, (tenant) => this.listTenantSubscriptions(tenant, signal), signal);
    const byId = new Map<string, SubscriptionRef>();
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        for (const subscription of result.value) {
          byId.set(subscription.id, subscription);
        }
      } else {
        signal?.throwIfAborted();
        this.options.onTenantProblem?.(tenants[index], toArmProblem(result.reason));
      }
    });
    if (tenants.length > 0 && results.every((result) => result.status === 'rejected')) {
      throw (results[0] as PromiseRejectedResult).reason;
    }
    return [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  private async listTenantSubscriptions(tenant: TenantRef, signal?: AbortSignal, credential?: TokenCredential): Promise<SubscriptionRef[]> {
    const tenantId = tenant.tenantId;
    const client = this.clients.subscriptionClient(credential ?? this.options.credentialForTenant(tenantId));
    const found: SubscriptionRef[] = [];
    for await (const subscription of client.subscriptions.list({ abortSignal: signal })) {
      if (!subscription.subscriptionId) {
        continue;
      }
      const owner = (subscription.tenantId ?? tenantId).toLowerCase();
      // A subscription shows up under every tenant that can see it; keep it under the one that owns it.
      if (tenantId !== '' && owner !== tenantId) {
        continue;
      }
      found.push({
        id: idKey(`/subscriptions/${subscription.subscriptionId}`),
        subscriptionId: subscription.subscriptionId.toLowerCase(),
        displayName: subscription.displayName ?? subscription.subscriptionId,
        tenantId: owner,
        tenantName: tenant.displayName || undefined,
        state: subscription.state ?? 'Enabled',
        properties: subscription,
      });
    }
    return found;
  }

  async listVnets(subscription: SubscriptionRef, signal?: AbortSignal): Promise<VnetRef[]> {
    const vnets: VnetRef[] = [];
    for await (const vnet of this.network(subscription).virtualNetworks.listAll({ abortSignal: signal })) {
      vnets.push(toVnetRef(vnet));
    }
    return vnets.sort(byName);
  }

  /**
   * The first page from Resource Manager; when it is not the last, the whole list from Resource
   * Graph (see `useResourceGraph`), else the remaining pages from Resource Manager. The first page's
   * NICs replace Resource Graph's rows for them, being at least as fresh.
   */
  async listNics(subscription: SubscriptionRef, signal?: AbortSignal): Promise<NicRef[]> {
    const pages = this.network(subscription).networkInterfaces.listAll({ abortSignal: signal }).byPage();
    const first = await pages.next();
    const nics: NicRef[] = first.done === true ? [] : first.value.map(toNicRef);
    if (first.done === true || first.value.continuationToken === undefined) {
      return nics.sort(byName);
    }
    const sinceChange = Date.now() - (this.changedAt.get(subscription.id) ?? Number.NEGATIVE_INFINITY);
    if (sinceChange < graphCatchUpMs) {
      this.options.onNote?.(`Listing the NICs of ${subscription.displayName} page by page from Resource Manager: changes made ${Math.round(sinceChange / 1000)} s ago may not be in Resource Graph yet.`);
    } else if (this.options.useResourceGraph?.() ?? true) {
      try {
        const rows = await graphRows(this.graph(subscription), subscription.subscriptionId, nicGraphQuery, { signal });
        const byId = new Map(rows.map((row) => nicRefFromGraph(row)).map((nic) => [nic.id, nic]));
        for (const nic of nics) {
          byId.set(nic.id, nic);
        }
        this.options.onNote?.(`Listed the ${byId.size} NICs of ${subscription.displayName} through Azure Resource Graph: Resource Manager returns them in more than one page.`);
        return [...byId.values()].sort(byName);
      } catch (error) {
        if (signal?.aborted === true) {
          throw error;
        }
        this.options.onNote?.(`Listing the NICs of ${subscription.displayName} page by page from Resource Manager instead of Resource Graph. ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for await (const page of pages) {
      nics.push(...page.map(toNicRef));
    }
    return nics.sort(byName);
  }

  async listNsgs(subscription: SubscriptionRef, signal?: AbortSignal): Promise<NsgRef[]> {
    const nsgs: NsgRef[] = [];
    for await (const nsg of this.network(subscription).networkSecurityGroups.listAll({ abortSignal: signal })) {
      nsgs.push(toNsgRef(nsg));
    }
    return nsgs.sort(byName);
  }

  async listNetworkWatchers(subscription: SubscriptionRef, signal?: AbortSignal): Promise<NetworkWatcherRef[]> {
    const watchers: NetworkWatcherRef[] = [];
    for await (const watcher of this.network(subscription).networkWatchers.listAll({ abortSignal: signal })) {
      watchers.push(toWatcherRef(watcher));
    }
    return watchers.sort(byName);
  }

  async listVirtualNetworkTaps(subscription: SubscriptionRef, signal?: AbortSignal): Promise<VirtualNetworkTapRef[]> {
    const taps: VirtualNetworkTapRef[] = [];
    for await (const tap of this.network(subscription).virtualNetworkTaps.listAll({ abortSignal: signal })) {
      taps.push(toTapRef(tap));
    }
    return taps.sort(byName);
  }

  async listFlowLogs(subscription: SubscriptionRef, watcher: NetworkWatcherRef, signal?: AbortSignal): Promise<FlowLogRef[]> {
    const flowLogs: FlowLogRef[] = [];
    for await (const flowLog of this.network(subscription).flowLogs.list(watcher.resourceGroup, watcher.name, { abortSignal: signal })) {
      flowLogs.push(toFlowLogRef(flowLog, watcher));
    }
    return flowLogs.sort(byName);
  }

  async listPacketCaptures(subscription: SubscriptionRef, watcher: NetworkWatcherRef, signal?: AbortSignal): Promise<PacketCaptureRef[]> {
    const captures: PacketCaptureRef[] = [];
    for await (const capture of this.network(subscription).packetCaptures.list(watcher.resourceGroup, watcher.name, { abortSignal: signal })) {
      captures.push(toPacketCaptureRef(capture, watcher));
    }
    return captures.sort(byName);
  }

  async packetCaptureStatus(subscription: SubscriptionRef, capture: PacketCaptureRef, signal?: AbortSignal): Promise<PacketCaptureStatusRef> {
    const watcherArmId = capture.armId.slice(0, capture.armId.toLowerCase().lastIndexOf('/packetcaptures/'));
    const result = await this.network(subscription).packetCaptures.beginGetStatusAndWait(resourceGroupOf(watcherArmId), nameOf(watcherArmId), capture.name, { abortSignal: signal });
    return {
      status: result.packetCaptureStatus ?? 'Unknown',
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      errors: result.packetCaptureError ?? [],
    };
  }

  async listStorageAccounts(subscription: SubscriptionRef, signal?: AbortSignal): Promise<StorageAccountRef[]> {
    const client = this.clients.storage(subscription.tenantId, subscription.subscriptionId);
    const accounts: StorageAccountRef[] = [];
    for await (const account of client.storageAccounts.list({ abortSignal: signal })) {
      accounts.push(toStorageAccountRef(account));
    }
    return accounts.sort(byName);
  }

  private network(subscription: SubscriptionRef): NetworkManagementClient {
    return this.clients.network(subscription.tenantId, subscription.subscriptionId);
  }

  /** After a change here, lists of this subscription come from Resource Manager alone for a while (`graphCatchUpMs`). */
  noteChanged(subscription: SubscriptionRef): void {
    this.changedAt.set(subscription.id, Date.now());
  }

  private graph(subscription: SubscriptionRef): ResourceGraphClient {
    return this.clients.resourceGraph(subscription.tenantId);
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}

function base(resource: { id?: string; name?: string }, properties: unknown): { id: string; armId: string; name: string; resourceGroup: string; properties: unknown } {
  const armId = resource.id ?? '';
  return { id: idKey(armId), armId, name: resource.name ?? nameOf(armId), resourceGroup: resourceGroupOf(armId), properties };
}

function optionalKey(id: string | undefined): string | undefined {
  return id ? idKey(id) : undefined;
}

export function toVnetRef(vnet: VirtualNetwork): VnetRef {
  const ref = base(vnet, vnet);
  const subnets: SubnetRef[] = (vnet.subnets ?? []).map((subnet) => ({
    ...base(subnet, subnet),
    vnetId: ref.id,
    addressPrefixes: subnet.addressPrefixes && subnet.addressPrefixes.length > 0 ? subnet.addressPrefixes : subnet.addressPrefix ? [subnet.addressPrefix] : [],
    networkSecurityGroupId: optionalKey(subnet.networkSecurityGroup?.id),
  }));
  const peerings: PeeringRef[] = (vnet.virtualNetworkPeerings ?? []).map((peering) => ({
    ...base(peering, peering),
    vnetId: ref.id,
    remoteVnetId: optionalKey(peering.remoteVirtualNetwork?.id),
    remoteVnetArmId: peering.remoteVirtualNetwork?.id,
    peeringState: peering.peeringState ?? 'Unknown',
    syncLevel: peering.peeringSyncLevel,
    allowForwardedTraffic: peering.allowForwardedTraffic ?? false,
    allowGatewayTransit: peering.allowGatewayTransit ?? false,
    useRemoteGateways: peering.useRemoteGateways ?? false,
  }));
  return {
    ...ref,
    location: vnet.location ?? '',
    addressSpace: vnet.addressSpace?.addressPrefixes ?? [],
    subnets: subnets.sort(byName),
    peerings: peerings.sort(byName),
  };
}

/**
 * A NIC row of Resource Graph (the resource as Resource Manager's GET shows it, `properties`
 * nested) as the tree's NIC. The row is flattened the way the SDK flattens a NIC, so every reader
 * of `NicRef.properties` (the TAP wizard's IP and tap configurations, "View Properties") sees the
 * same shape whichever way the NIC was listed.
 */
export function nicRefFromGraph(row: Record<string, unknown>): NicRef {
  return toNicRef(flattened(row) as NetworkInterface);
}

/** `{ id, name, properties: { a, ipConfigurations: [{ id, properties: { b } }] } }` → `{ id, name, a, ipConfigurations: [{ id, b }] }`. */
function flattened(resource: Record<string, unknown>): Record<string, unknown> {
  const { properties, ...top } = resource;
  const inner = objectOf(properties);
  const subResources = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.map((item) => flattened(objectOf(item))) : []);
  return { ...top, ...inner, ipConfigurations: subResources(inner.ipConfigurations), tapConfigurations: subResources(inner.tapConfigurations) };
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function toNicRef(nic: NetworkInterface): NicRef {
  const configurations = nic.ipConfigurations ?? [];
  const primary = configurations.find((configuration) => configuration.primary) ?? configurations[0];
  const vmArmId = nic.virtualMachine?.id;
  return {
    ...base(nic, nic),
    location: nic.location ?? '',
    subnetIds: [...new Set(configurations.flatMap((configuration) => (configuration.subnet?.id ? [idKey(configuration.subnet.id)] : [])))],
    privateIpAddresses: configurations.flatMap((configuration) => (configuration.privateIPAddress ? [configuration.privateIPAddress] : [])),
    primaryPrivateIp: primary?.privateIPAddress,
    macAddress: nic.macAddress,
    virtualMachineId: optionalKey(vmArmId),
    virtualMachineName: vmArmId ? nameOf(vmArmId) : undefined,
    acceleratedNetworking: nic.enableAcceleratedNetworking ?? false,
    networkSecurityGroupId: optionalKey(nic.networkSecurityGroup?.id),
    tapIds: (nic.tapConfigurations ?? []).flatMap((configuration) => (configuration.virtualNetworkTap?.id ? [idKey(configuration.virtualNetworkTap.id)] : [])),
    ...(nic.tags && Object.keys(nic.tags).length > 0 ? { tags: nic.tags } : {}),
  };
}

function toRuleRef(rule: SecurityRule): SecurityRuleRef {
  const join = (single: string | undefined, many: string[] | undefined): string => (many && many.length > 0 ? many.join(', ') : (single ?? '*'));
  return {
    name: rule.name ?? '',
    priority: rule.priority ?? 0,
    direction: rule.direction ?? '',
    access: rule.access ?? '',
    protocol: rule.protocol ?? '*',
    source: join(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    sourcePorts: join(rule.sourcePortRange, rule.sourcePortRanges),
    destination: join(rule.destinationAddressPrefix, rule.destinationAddressPrefixes),
    destinationPorts: join(rule.destinationPortRange, rule.destinationPortRanges),
    description: rule.description,
  };
}

export function toNsgRef(nsg: NetworkSecurityGroup): NsgRef {
  return {
    ...base(nsg, nsg),
    location: nsg.location ?? '',
    rules: (nsg.securityRules ?? []).map(toRuleRef).sort((a, b) => a.direction.localeCompare(b.direction) || a.priority - b.priority),
    subnetIds: (nsg.subnets ?? []).flatMap((subnet) => (subnet.id ? [idKey(subnet.id)] : [])),
    // An NSG lists the NICs' IP configurations' parents as NICs already.
    nicIds: (nsg.networkInterfaces ?? []).flatMap((nic) => (nic.id ? [idKey(nic.id)] : [])),
  };
}

function toStorageAccountRef(account: StorageAccount): StorageAccountRef {
  return { ...base(account, account), location: account.location ?? '', kind: account.kind ?? '', sku: account.sku?.name ?? '' };
}

function toWatcherRef(watcher: NetworkWatcher): NetworkWatcherRef {
  return { ...base(watcher, watcher), location: watcher.location ?? '' };
}

export function toFlowLogRef(flowLog: FlowLog, watcher: NetworkWatcherRef): FlowLogRef {
  const target = flowLog.targetResourceId ?? '';
  const storage = flowLog.storageId ?? '';
  return {
    ...base(flowLog, flowLog),
    watcherId: watcher.id,
    location: flowLog.location ?? watcher.location,
    targetId: idKey(target),
    targetArmId: target,
    storageId: idKey(storage),
    storageArmId: storage,
    enabled: flowLog.enabled ?? false,
    trafficAnalytics: flowLog.flowAnalyticsConfiguration?.networkWatcherFlowAnalyticsConfiguration?.enabled ?? false,
    formatVersion: flowLog.format?.version,
    retentionDays: flowLog.retentionPolicy?.enabled ? flowLog.retentionPolicy.days : undefined,
  };
}

function toPacketCaptureRef(capture: PacketCaptureResult, watcher: NetworkWatcherRef): PacketCaptureRef {
  const target = capture.target ?? '';
  return {
    ...base(capture, capture),
    watcherId: watcher.id,
    targetId: idKey(target),
    targetArmId: target,
    storageId: optionalKey(capture.storageLocation?.storageId),
    filePath: capture.storageLocation?.filePath ?? capture.storageLocation?.localPath,
    provisioningState: capture.provisioningState,
  };
}

export function toTapRef(tap: VirtualNetworkTap): VirtualNetworkTapRef {
  const destination = tap.destinationNetworkInterfaceIPConfiguration?.id ?? tap.destinationLoadBalancerFrontEndIPConfiguration?.id;
  return {
    ...base(tap, tap),
    location: tap.location ?? '',
    destinationId: optionalKey(destination),
    destinationArmId: destination,
    destinationPort: tap.destinationPort,
    sourceIds: (tap.networkInterfaceTapConfigurations ?? []).flatMap((configuration) => (configuration.id ? [idKey(configuration.id)] : [])),
  };
}
