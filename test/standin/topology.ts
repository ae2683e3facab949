import { randomBytes, randomUUID } from 'node:crypto';
import { defaultComputeCatalog, type ComputeCatalog } from './computeCatalog';
import { refreshTapBackReferences } from './routes/tapConfigurations';
import { defaultSecurityRules } from './routes/networkSecurityGroups';
import { regionalCommunity, settlePeeringState } from './routes/virtualNetworkPeerings';
import { seedVirtualMachine } from './routes/virtualMachines';
import { requireConnectableVnet } from './routes/virtualWans';
import { asObject, newEtag, refId, type ArmResource, type ArmState, type JsonObject } from './state';
import { types } from './types';

/** A described Azure estate the stand-in starts from. Cross-references are full ARM ids (see `armIds`). */
export interface Topology {
  tenants: TenantSpec[];
  subscriptions: SubscriptionSpec[];
}

export interface TenantSpec {
  tenantId: string;
  displayName: string;
  defaultDomain: string;
}

export interface SubscriptionSpec {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  tags?: Record<string, string>;
  /** Namespaces left unregistered (e.g. `Microsoft.Insights`); every other known one is registered. */
  unregisteredProviders?: string[];
  /** Enrolled in the virtual network TAP preview (default true), and further regions it is enrolled in. */
  tapPreview?: { enrolled?: boolean; extraRegions?: string[] };
  /** What Microsoft.Compute offers it (sizes per region with restrictions, vCPU quotas, images); each part given replaces the default's. */
  compute?: Partial<ComputeCatalog>;
  resourceGroups: ResourceGroupSpec[];
}

export interface ResourceGroupSpec {
  name: string;
  location: string;
  tags?: Record<string, string>;
  storageAccounts?: StorageAccountSpec[];
  networkSecurityGroups?: NetworkSecurityGroupSpec[];
  virtualNetworks?: VirtualNetworkSpec[];
  loadBalancers?: LoadBalancerSpec[];
  networkInterfaces?: NetworkInterfaceSpec[];
  virtualNetworkTaps?: VirtualNetworkTapSpec[];
  networkWatchers?: NetworkWatcherSpec[];
  availabilitySets?: AvailabilitySetSpec[];
  /** Virtual WANs with their hubs (in this group) and the hubs' VNet connections. */
  virtualWans?: VirtualWanSpec[];
  /** Resources given as ARM JSON (e.g. an official example's response body), imported as they are. */
  resources?: ArmResource[];
}

export interface StorageAccountSpec {
  name: string;
  location?: string;
  sku?: 'Standard_LRS' | 'Standard_GRS' | 'Standard_ZRS' | 'Premium_LRS';
  kind?: 'StorageV2' | 'BlobStorage' | 'Storage';
}

export interface SecurityRuleSpec {
  name: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  protocol: 'Tcp' | 'Udp' | 'Icmp' | '*';
  source?: string;
  sourcePort?: string;
  destination?: string;
  destinationPort?: string;
  description?: string;
}

export interface NetworkSecurityGroupSpec {
  name: string;
  location?: string;
  rules?: SecurityRuleSpec[];
}

export interface SubnetSpec {
  name: string;
  addressPrefix: string;
  networkSecurityGroupId?: string;
}

export interface PeeringSpec {
  name: string;
  remoteVirtualNetworkId: string;
  allowForwardedTraffic?: boolean;
  allowGatewayTransit?: boolean;
  useRemoteGateways?: boolean;
}

export interface VirtualNetworkSpec {
  name: string;
  location?: string;
  addressPrefixes: string[];
  subnets: SubnetSpec[];
  peerings?: PeeringSpec[];
  tags?: Record<string, string>;
}

export interface LoadBalancerSpec {
  name: string;
  location?: string;
  sku: 'Standard' | 'Basic';
  frontends: Array<{ name: string; privateIpAddress: string; subnetId: string }>;
  /** Backend pools of NIC IP configurations (`…/networkInterfaces/n/ipConfigurations/ipconfig1`); an HA-ports rule joins the first frontend to the first pool. */
  backendPools?: Array<{ name: string; ipConfigurationIds: string[]; floatingIp?: boolean }>;
}

export interface NetworkInterfaceSpec {
  name: string;
  location?: string;
  subnetId: string;
  privateIpAddress: string;
  /** `00-0D-3A-…` as ARM prints it. */
  macAddress: string;
  virtualMachineId?: string;
  /** The VM behind `virtualMachineId` (the stand-in serves one VM per distinct id, from its NICs). */
  virtualMachine?: VirtualMachineSpec;
  acceleratedNetworking?: boolean;
  ipForwarding?: boolean;
  networkSecurityGroupId?: string;
  tapConfigurations?: Array<{ name: string; virtualNetworkTapId: string }>;
  tags?: Record<string, string>;
}

export interface VirtualMachineSpec {
  /** Default `Linux`. */
  osType?: 'Linux' | 'Windows';
  /** Default `Standard_D2s_v5`. */
  vmSize?: string;
  /** Default `running`. */
  powerState?: 'running' | 'deallocated';
  /** Whether the Network Watcher agent extension is installed (default no). */
  networkWatcherAgent?: boolean;
  /** `notReady`: the VM runs but its guest agent does not report (Run Command and extensions fail). Default `ready`. */
  vmAgent?: 'ready' | 'notReady';
  /** The availability set it belongs to (an id from `armIds.availabilitySet`, declared under its group's `availabilitySets`). */
  availabilitySetId?: string;
}

export interface AvailabilitySetSpec {
  name: string;
  location?: string;
  /** Whether the set's VMs already run on hardware with accelerated networking (default no). */
  onAcceleratedNetworkingHardware?: boolean;
}

export interface VirtualWanSpec {
  name: string;
  location?: string;
  /** Default `Standard`. */
  type?: 'Standard' | 'Basic';
  hubs?: VirtualHubSpec[];
}

export interface VirtualHubSpec {
  name: string;
  location?: string;
  /** The hub's address prefix (a /24 or larger, e.g. `10.100.0.0/23`); connected VNets may not overlap it. */
  addressPrefix: string;
  /** VNets connected to the hub: connection name and VNet id (held to the rules ARM checks when a connection is created). */
  connections?: Array<{ name: string; remoteVirtualNetworkId: string }>;
}

export interface VirtualNetworkTapSpec {
  name: string;
  location?: string;
  destinationIpConfigurationId: string;
  destinationPort?: number;
}

export interface FlowLogSpec {
  name: string;
  targetResourceId: string;
  storageId: string;
  enabled?: boolean;
  formatVersion?: 1 | 2;
  retentionDays?: number;
}

export interface NetworkWatcherSpec {
  name: string;
  location: string;
  flowLogs?: FlowLogSpec[];
}

/** Builders for the ARM ids topologies use to refer to each other's resources. */
export const armIds = {
  resourceGroup: (subscriptionId: string, group: string) => `/subscriptions/${subscriptionId}/resourceGroups/${group}`,
  virtualNetwork: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/virtualNetworks/${name}`,
  subnet: (subscriptionId: string, group: string, vnet: string, name: string) => `${armIds.virtualNetwork(subscriptionId, group, vnet)}/subnets/${name}`,
  networkSecurityGroup: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/networkSecurityGroups/${name}`,
  networkInterface: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/networkInterfaces/${name}`,
  ipConfiguration: (nicId: string, name = 'ipconfig1') => `${nicId}/ipConfigurations/${name}`,
  virtualMachine: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Compute/virtualMachines/${name}`,
  storageAccount: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Storage/storageAccounts/${name}`,
  virtualNetworkTap: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/virtualNetworkTaps/${name}`,
  networkWatcher: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/networkWatchers/${name}`,
  loadBalancer: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/loadBalancers/${name}`,
  availabilitySet: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Compute/availabilitySets/${name}`,
  virtualWan: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/virtualWans/${name}`,
  virtualHub: (subscriptionId: string, group: string, name: string) => `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/virtualHubs/${name}`,
};

export const knownProviders = ['microsoft.network', 'microsoft.insights', 'microsoft.storage', 'microsoft.compute', 'microsoft.operationalinsights'];

/** Fills `state` from a topology. Throws a message naming the resource when a reference is broken. */
export function seedTopology(state: ArmState, topology: Topology): void {
  for (const tenant of topology.tenants) {
    state.tenants.set(tenant.tenantId.toLowerCase(), {
      tenantId: tenant.tenantId,
      displayName: tenant.displayName,
      defaultDomain: tenant.defaultDomain,
      domains: [tenant.defaultDomain],
      countryCode: 'US',
    });
  }
  const later: Array<() => void> = [];
  const peerings: Array<() => void> = [];
  for (const subscription of topology.subscriptions) {
    const unregistered = new Set((subscription.unregisteredProviders ?? []).map((name) => name.toLowerCase()));
    state.subscriptions.set(subscription.subscriptionId.toLowerCase(), {
      subscriptionId: subscription.subscriptionId,
      displayName: subscription.displayName,
      tenantId: subscription.tenantId,
      state: 'Enabled',
      tags: subscription.tags ?? {},
      registeredProviders: new Set(knownProviders.filter((name) => !unregistered.has(name))),
      tapPreview: { enrolled: subscription.tapPreview?.enrolled ?? true, extraRegions: new Set((subscription.tapPreview?.extraRegions ?? []).map((region) => region.toLowerCase())) },
      compute: { ...defaultComputeCatalog(), ...subscription.compute },
    });
    for (const group of subscription.resourceGroups) {
      const groupId = armIds.resourceGroup(subscription.subscriptionId, group.name);
      state.resourceGroups.set(groupId.toLowerCase(), { id: groupId, name: group.name, location: group.location, tags: group.tags ?? {} });
      const location = (spec: { location?: string }): string => spec.location ?? group.location;
      for (const spec of group.availabilitySets ?? []) {
        seedAvailabilitySet(state, armIds.availabilitySet(subscription.subscriptionId, group.name, spec.name), spec, location(spec));
      }
      for (const spec of group.storageAccounts ?? []) {
        seedStorageAccount(state, `${groupId}/providers/Microsoft.Storage/storageAccounts/${spec.name}`, spec, location(spec));
      }
      for (const spec of group.networkSecurityGroups ?? []) {
        seedNetworkSecurityGroup(state, `${groupId}/providers/Microsoft.Network/networkSecurityGroups/${spec.name}`, spec, location(spec));
      }
      for (const spec of group.virtualWans ?? []) {
        seedVirtualWan(state, groupId, spec, location);
      }
      for (const spec of group.virtualNetworks ?? []) {
        const vnetId = `${groupId}/providers/Microsoft.Network/virtualNetworks/${spec.name}`;
        seedVirtualNetwork(state, vnetId, spec, location(spec));
        for (const peering of spec.peerings ?? []) {
          peerings.push(() => seedPeering(state, vnetId, peering));
        }
      }
      later.push(() => {
        for (const spec of group.loadBalancers ?? []) {
          seedLoadBalancer(state, `${groupId}/providers/Microsoft.Network/loadBalancers/${spec.name}`, spec, location(spec));
        }
        for (const spec of group.networkInterfaces ?? []) {
          seedNetworkInterface(state, `${groupId}/providers/Microsoft.Network/networkInterfaces/${spec.name}`, spec, location(spec));
          if (spec.virtualMachineId) {
            seedVirtualMachine(state, spec.virtualMachineId, `${groupId}/providers/Microsoft.Network/networkInterfaces/${spec.name}`, location(spec), spec.virtualMachine ?? {});
          }
        }
      });
      later.push(() => {
        for (const spec of group.loadBalancers ?? []) {
          seedBackendPools(state, `${groupId}/providers/Microsoft.Network/loadBalancers/${spec.name}`, spec);
        }
        for (const spec of group.virtualNetworkTaps ?? []) {
          seedTap(state, `${groupId}/providers/Microsoft.Network/virtualNetworkTaps/${spec.name}`, spec, location(spec));
        }
      });
      later.push(() => {
        for (const spec of group.networkInterfaces ?? []) {
          const nicId = `${groupId}/providers/Microsoft.Network/networkInterfaces/${spec.name}`;
          for (const tap of spec.tapConfigurations ?? []) {
            seedTapConfiguration(state, nicId, tap);
          }
        }
        for (const spec of group.networkWatchers ?? []) {
          seedWatcher(state, `${groupId}/providers/Microsoft.Network/networkWatchers/${spec.name}`, spec);
        }
        for (const wan of group.virtualWans ?? []) {
          for (const hub of wan.hubs ?? []) {
            for (const connection of hub.connections ?? []) {
              seedHubConnection(state, `${groupId}/providers/Microsoft.Network/virtualHubs/${hub.name}`, connection);
            }
          }
        }
        for (const resource of group.resources ?? []) {
          importResource(state, resource);
        }
      });
    }
  }
  // Resources refer across groups and subscriptions, so each stage runs once all earlier ones exist.
  const stages = [later.filter((_, index) => index % 3 === 0), later.filter((_, index) => index % 3 === 1), later.filter((_, index) => index % 3 === 2)];
  for (const stage of stages) {
    stage.forEach((run) => run());
  }
  peerings.forEach((run) => run());
}

function requireExisting(state: ArmState, type: string, id: string, usedBy: string): ArmResource {
  const found = state.getTyped(type, id);
  if (!found) {
    throw new Error(`Topology error: ${usedBy} refers to ${id}, which is not in the topology.`);
  }
  return found;
}

function pushBackReference(resource: ArmResource, key: string, id: string): void {
  const list = Array.isArray(resource.properties[key]) ? (resource.properties[key] as unknown[]) : [];
  list.push({ id });
  resource.properties[key] = list;
}

function seedAvailabilitySet(state: ArmState, id: string, spec: AvailabilitySetSpec, location: string): void {
  state.put({
    id,
    name: spec.name,
    type: types.availabilitySet,
    location,
    tags: {},
    sku: { name: 'Aligned' },
    onAcceleratedNetworkingHardware: spec.onAcceleratedNetworkingHardware ?? false,
    properties: { platformUpdateDomainCount: 5, platformFaultDomainCount: 2, virtualMachines: [] },
  });
}

function seedVirtualWan(state: ArmState, groupId: string, spec: VirtualWanSpec, location: (spec: { location?: string }) => string): void {
  const wanId = `${groupId}/providers/Microsoft.Network/virtualWans/${spec.name}`;
  state.put({
    id: wanId,
    name: spec.name,
    type: types.virtualWan,
    location: location(spec),
    etag: newEtag(),
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      disableVpnEncryption: false,
      allowBranchToBranchTraffic: true,
      office365LocalBreakoutCategory: 'None',
      type: spec.type ?? 'Standard',
      virtualHubs: [],
      vpnSites: [],
    },
  });
  for (const hub of spec.hubs ?? []) {
    // The hub router's two addresses: two consecutive ones of the hub's prefix (VirtualHubGet.json shows .12 and .13 of a /24).
    const [network] = hub.addressPrefix.split('/');
    const octets = network.split('.').map(Number);
    const routerIp = (offset: number) => [...octets.slice(0, 3), octets[3] + offset].join('.');
    state.put({
      id: `${groupId}/providers/Microsoft.Network/virtualHubs/${hub.name}`,
      name: hub.name,
      type: types.virtualHub,
      location: location(hub),
      etag: newEtag(),
      tags: {},
      properties: {
        provisioningState: 'Succeeded',
        virtualWan: { id: wanId },
        addressPrefix: hub.addressPrefix,
        virtualHubRouteTableV2s: [],
        sku: spec.type ?? 'Standard',
        routingState: 'Provisioned',
        virtualRouterAsn: 65515,
        virtualRouterIps: [routerIp(4), routerIp(5)],
        allowBranchToBranchTraffic: false,
        preferredRoutingGateway: 'ExpressRoute',
        hubRoutingPreference: 'ExpressRoute',
        virtualRouterAutoScaleConfiguration: { minCapacity: 2 },
      },
    });
  }
}

/** A declared hub connection meets the rules ARM checks for a created one (`requireConnectableVnet`), else the topology is refused. */
function seedHubConnection(state: ArmState, hubId: string, spec: { name: string; remoteVirtualNetworkId: string }): void {
  const id = `${hubId}/hubVirtualNetworkConnections/${spec.name}`;
  const hub = requireExisting(state, types.virtualHub, hubId, `hub connection ${id}`);
  const remote = requireExisting(state, types.virtualNetwork, spec.remoteVirtualNetworkId, `hub connection ${id}`);
  try {
    requireConnectableVnet(state, hub, id, remote);
  } catch (error) {
    throw new Error(`Topology error: hub connection ${id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  state.put({
    id,
    name: spec.name,
    type: types.hubVirtualNetworkConnection,
    etag: newEtag(),
    properties: {
      provisioningState: 'Succeeded',
      remoteVirtualNetwork: { id: remote.id },
      allowHubToRemoteVnetTransit: true,
      allowRemoteVnetToUseHubVnetGateways: true,
      enableInternetSecurity: true,
    },
  });
}

function seedStorageAccount(state: ArmState, id: string, spec: StorageAccountSpec, location: string): void {
  const name = spec.name;
  const endpoints = (suffix: string) => ({
    blob: `https://${name}${suffix}.blob.core.windows.net/`,
    queue: `https://${name}${suffix}.queue.core.windows.net/`,
    table: `https://${name}${suffix}.table.core.windows.net/`,
    file: `https://${name}${suffix}.file.core.windows.net/`,
    web: `https://${name}${suffix}.web.core.windows.net/`,
    dfs: `https://${name}${suffix}.dfs.core.windows.net/`,
  });
  const sku = spec.sku ?? 'Standard_LRS';
  const created = new Date(Date.UTC(2025, 0, 15, 9, 30)).toISOString();
  state.put({
    id,
    name,
    type: types.storageAccount,
    location,
    kind: spec.kind ?? 'StorageV2',
    sku: { name: sku, tier: sku.startsWith('Premium') ? 'Premium' : 'Standard' },
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      creationTime: created,
      primaryEndpoints: endpoints(''),
      primaryLocation: location,
      statusOfPrimary: 'available',
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      isHnsEnabled: false,
      accessTier: 'Hot',
      encryption: {
        services: { blob: { keyType: 'Account', enabled: true, lastEnabledTime: created }, file: { keyType: 'Account', enabled: true, lastEnabledTime: created } },
        keySource: 'Microsoft.Storage',
      },
      networkAcls: { bypass: 'AzureServices', virtualNetworkRules: [], ipRules: [], defaultAction: 'Allow' },
      keyCreationTime: { key1: created, key2: created },
    },
  });
  state.storageKeys.set(id.toLowerCase(), ['key1', 'key2'].map((keyName) => ({
    keyName,
    permissions: 'Full' as const,
    value: randomBytes(64).toString('base64'),
    creationTime: created,
  })));
}

function seedNetworkSecurityGroup(state: ArmState, id: string, spec: NetworkSecurityGroupSpec, location: string): void {
  state.put({
    id,
    name: spec.name,
    type: types.networkSecurityGroup,
    location,
    etag: newEtag(),
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID(),
      defaultSecurityRules: defaultSecurityRules(id),
      subnets: [],
      networkInterfaces: [],
    },
  });
  for (const rule of spec.rules ?? []) {
    state.put({
      id: `${id}/securityRules/${rule.name}`,
      name: rule.name,
      type: types.securityRule,
      etag: newEtag(),
      properties: {
        provisioningState: 'Succeeded',
        ...(rule.description ? { description: rule.description } : {}),
        protocol: rule.protocol,
        sourcePortRange: rule.sourcePort ?? '*',
        destinationPortRange: rule.destinationPort ?? '*',
        sourceAddressPrefix: rule.source ?? '*',
        destinationAddressPrefix: rule.destination ?? '*',
        access: rule.access,
        priority: rule.priority,
        direction: rule.direction,
        sourcePortRanges: [],
        destinationPortRanges: [],
        sourceAddressPrefixes: [],
        destinationAddressPrefixes: [],
      },
    });
  }
}

function seedVirtualNetwork(state: ArmState, id: string, spec: VirtualNetworkSpec, location: string): void {
  state.put({
    id,
    name: spec.name,
    type: types.virtualNetwork,
    location,
    etag: newEtag(),
    tags: spec.tags ?? {},
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID(),
      addressSpace: { addressPrefixes: [...spec.addressPrefixes] },
      enableDdosProtection: false,
      privateEndpointVNetPolicies: 'Disabled',
    },
  });
  for (const subnet of spec.subnets) {
    const subnetId = `${id}/subnets/${subnet.name}`;
    const properties: JsonObject = {
      provisioningState: 'Succeeded',
      addressPrefix: subnet.addressPrefix,
      ipConfigurations: [],
      delegations: [],
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    };
    if (subnet.networkSecurityGroupId) {
      const nsg = requireExisting(state, types.networkSecurityGroup, subnet.networkSecurityGroupId, `subnet ${subnetId}`);
      properties.networkSecurityGroup = { id: nsg.id };
      pushBackReference(nsg, 'subnets', subnetId);
    }
    state.put({ id: subnetId, name: subnet.name, type: types.subnet, etag: newEtag(), properties });
  }
}

function seedPeering(state: ArmState, vnetId: string, spec: PeeringSpec): void {
  const vnet = requireExisting(state, types.virtualNetwork, vnetId, `peering ${spec.name}`);
  const remote = requireExisting(state, types.virtualNetwork, spec.remoteVirtualNetworkId, `peering ${vnetId}/virtualNetworkPeerings/${spec.name}`);
  const remoteSpace = { addressPrefixes: [...(asObject(remote.properties.addressSpace).addressPrefixes as string[])] };
  state.put({
    id: `${vnet.id}/virtualNetworkPeerings/${spec.name}`,
    name: spec.name,
    type: types.peering,
    etag: newEtag(),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID(),
      peeringState: 'Initiated',
      peeringSyncLevel: 'FullyInSync',
      remoteVirtualNetwork: { id: remote.id },
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: spec.allowForwardedTraffic ?? false,
      allowGatewayTransit: spec.allowGatewayTransit ?? false,
      useRemoteGateways: spec.useRemoteGateways ?? false,
      doNotVerifyRemoteGateways: false,
      remoteAddressSpace: remoteSpace,
      remoteVirtualNetworkAddressSpace: structuredClone(remoteSpace),
      remoteBgpCommunities: { virtualNetworkCommunity: '12076:20002', regionalCommunity: regionalCommunity(remote.location) },
    },
  });
  settlePeeringState(state, vnet, remote);
}

function seedLoadBalancer(state: ArmState, id: string, spec: LoadBalancerSpec, location: string): void {
  state.put({
    id,
    name: spec.name,
    type: types.loadBalancer,
    location,
    etag: newEtag(),
    sku: { name: spec.sku, tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID(),
      frontendIPConfigurations: spec.frontends.map((frontend) => {
        requireExisting(state, types.subnet, frontend.subnetId, `load balancer ${id}`);
        return {
          name: frontend.name,
          id: `${id}/frontendIPConfigurations/${frontend.name}`,
          etag: newEtag(),
          type: 'Microsoft.Network/loadBalancers/frontendIPConfigurations',
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: frontend.privateIpAddress,
            privateIPAllocationMethod: 'Static',
            privateIPAddressVersion: 'IPv4',
            subnet: { id: frontend.subnetId },
          },
        };
      }),
      backendAddressPools: [],
      loadBalancingRules: [],
      probes: [],
      inboundNatRules: [],
      inboundNatPools: [],
    },
  });
}

/**
 * Backend pools with the NIC IP configurations in them (and the NICs' back-references), and an
 * HA-ports rule (all protocols, all ports) from the first frontend to the first pool, the rule a
 * virtual network TAP collector pool behind an internal load balancer uses.
 */
function seedBackendPools(state: ArmState, id: string, spec: LoadBalancerSpec): void {
  const balancer = requireExisting(state, types.loadBalancer, id, 'backend pools');
  const pools = (spec.backendPools ?? []).map((pool) => {
    const poolId = `${id}/backendAddressPools/${pool.name}`;
    for (const configurationId of pool.ipConfigurationIds) {
      const nicId = configurationId.replace(/\/ipConfigurations\/[^/]+$/i, '');
      const nic = requireExisting(state, types.networkInterface, nicId, `backend pool ${poolId}`);
      const configuration = (nic.properties.ipConfigurations as JsonObject[]).find((item) => String(item.id).toLowerCase() === configurationId.toLowerCase());
      if (!configuration) {
        throw new Error(`Topology: backend pool ${poolId} names ${configurationId}, which ${nicId} does not have.`);
      }
      const properties = configuration.properties as JsonObject;
      properties.loadBalancerBackendAddressPools = [...((properties.loadBalancerBackendAddressPools as JsonObject[] | undefined) ?? []), { id: poolId }];
    }
    return {
      name: pool.name,
      id: poolId,
      etag: newEtag(),
      type: 'Microsoft.Network/loadBalancers/backendAddressPools',
      properties: { provisioningState: 'Succeeded', backendIPConfigurations: pool.ipConfigurationIds.map((configurationId) => ({ id: configurationId })) },
    };
  });
  balancer.properties.backendAddressPools = pools;
  const frontend = (balancer.properties.frontendIPConfigurations as JsonObject[])[0];
  if (pools.length > 0 && frontend) {
    balancer.properties.loadBalancingRules = [
      {
        name: 'ha-ports',
        id: `${id}/loadBalancingRules/ha-ports`,
        etag: newEtag(),
        type: 'Microsoft.Network/loadBalancers/loadBalancingRules',
        properties: {
          provisioningState: 'Succeeded',
          frontendIPConfiguration: { id: frontend.id },
          backendAddressPool: { id: pools[0].id },
          protocol: 'All',
          frontendPort: 0,
          backendPort: 0,
          enableFloatingIP: spec.backendPools?.[0]?.floatingIp ?? false,
          idleTimeoutInMinutes: 4,
          loadDistribution: 'Default',
        },
      },
    ];
  }
}

function seedNetworkInterface(state: ArmState, id: string, spec: NetworkInterfaceSpec, location: string): void {
  const subnet = requireExisting(state, types.subnet, spec.subnetId, `network interface ${id}`);
  const ipConfigurationId = `${id}/ipConfigurations/ipconfig1`;
  pushBackReference(subnet, 'ipConfigurations', ipConfigurationId);
  const properties: JsonObject = {
    provisioningState: 'Succeeded',
    resourceGuid: randomUUID(),
    ipConfigurations: [{
      name: 'ipconfig1',
      id: ipConfigurationId,
      etag: newEtag(),
      type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
      properties: {
        provisioningState: 'Succeeded',
        privateIPAddress: spec.privateIpAddress,
        privateIPAllocationMethod: 'Dynamic',
        subnet: { id: subnet.id },
        primary: true,
        privateIPAddressVersion: 'IPv4',
      },
    }],
    dnsSettings: { dnsServers: [], appliedDnsServers: [], internalDomainNameSuffix: `${randomUUID().slice(0, 8)}.bx.internal.cloudapp.net` },
    macAddress: spec.macAddress,
    enableAcceleratedNetworking: spec.acceleratedNetworking ?? false,
    enableIPForwarding: spec.ipForwarding ?? false,
    disableTcpStateTracking: false,
    primary: true,
    vnetEncryptionSupported: false,
    nicType: 'Standard',
    auxiliaryMode: 'None',
    hostedWorkloads: [],
  };
  if (spec.virtualMachineId) {
    properties.virtualMachine = { id: spec.virtualMachineId };
  }
  if (spec.networkSecurityGroupId) {
    const nsg = requireExisting(state, types.networkSecurityGroup, spec.networkSecurityGroupId, `network interface ${id}`);
    properties.networkSecurityGroup = { id: nsg.id };
    pushBackReference(nsg, 'networkInterfaces', id);
  }
  state.put({ id, name: spec.name, type: types.networkInterface, location, etag: newEtag(), tags: spec.tags ?? {}, properties });
}

function seedTap(state: ArmState, id: string, spec: VirtualNetworkTapSpec, location: string): void {
  const nicId = spec.destinationIpConfigurationId.replace(/\/ipConfigurations\/[^/]+$/i, '');
  requireExisting(state, types.networkInterface, nicId, `virtual network TAP ${id}`);
  state.put({
    id,
    name: spec.name,
    type: types.virtualNetworkTap,
    location,
    etag: newEtag(),
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID().toUpperCase(),
      destinationNetworkInterfaceIPConfiguration: { id: spec.destinationIpConfigurationId },
      destinationPort: spec.destinationPort ?? 4789,
      networkInterfaceTapConfigurations: [],
    },
  });
}

function seedTapConfiguration(state: ArmState, nicId: string, spec: { name: string; virtualNetworkTapId: string }): void {
  const tap = requireExisting(state, types.virtualNetworkTap, spec.virtualNetworkTapId, `tap configuration ${nicId}/tapConfigurations/${spec.name}`);
  state.put({
    id: `${nicId}/tapConfigurations/${spec.name}`,
    name: spec.name,
    type: types.tapConfiguration,
    etag: newEtag(),
    properties: { provisioningState: 'Succeeded', virtualNetworkTap: { id: tap.id } },
  });
  refreshTapBackReferences(state, tap.id);
}

function seedWatcher(state: ArmState, id: string, spec: NetworkWatcherSpec): void {
  state.put({ id, name: spec.name, type: types.networkWatcher, location: spec.location, etag: newEtag(), tags: {}, properties: { provisioningState: 'Succeeded' } });
  for (const flowLog of spec.flowLogs ?? []) {
    const target = state.get(flowLog.targetResourceId);
    if (!target) {
      throw new Error(`Topology error: flow log ${flowLog.name} refers to ${flowLog.targetResourceId}, which is not in the topology.`);
    }
    const storage = requireExisting(state, types.storageAccount, flowLog.storageId, `flow log ${flowLog.name}`);
    state.put({
      id: `${id}/flowLogs/${flowLog.name}`,
      name: flowLog.name,
      type: types.flowLog,
      location: spec.location,
      etag: newEtag(),
      tags: {},
      properties: {
        provisioningState: 'Succeeded',
        targetResourceId: target.id,
        targetResourceGuid: String(target.properties.resourceGuid ?? randomUUID()),
        storageId: storage.id,
        enabled: flowLog.enabled ?? true,
        flowAnalyticsConfiguration: {},
        retentionPolicy: { days: flowLog.retentionDays ?? 0, enabled: (flowLog.retentionDays ?? 0) > 0 },
        format: { type: 'JSON', version: flowLog.formatVersion ?? 2 },
      },
    });
  }
}

/** The ARM type an id names: `…/providers/Microsoft.Network/virtualNetworks/v/subnets/s` → `Microsoft.Network/virtualNetworks/subnets`. */
export function typeFromId(id: string): string | undefined {
  const match = /\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!match) {
    return undefined;
  }
  const parts = match[2].split('/');
  return [match[1], ...parts.filter((_, index) => index % 2 === 0)].join('/');
}

const embeddedChildren: Record<string, Array<{ key: string; type: string }>> = {
  [types.virtualNetwork.toLowerCase()]: [{ key: 'subnets', type: types.subnet }, { key: 'virtualNetworkPeerings', type: types.peering }],
  [types.networkSecurityGroup.toLowerCase()]: [{ key: 'securityRules', type: types.securityRule }],
  [types.networkInterface.toLowerCase()]: [{ key: 'tapConfigurations', type: types.tapConfiguration }],
};

/**
 * Stores a resource given as ARM JSON. Children ARM embeds in their parent (subnets, peerings,
 * security rules, tap configurations) are stored on their own, as the stand-in serves them on
 * their own routes too, and embedded again on every read of the parent.
 */
export function importResource(state: ArmState, input: ArmResource, typeHint?: string): void {
  const resource = structuredClone(input);
  const type = typeof resource.type === 'string' ? resource.type : (typeHint ?? typeFromId(String(resource.id)));
  if (!type) {
    throw new Error(`Topology error: resource ${String(resource.id)} has no "type".`);
  }
  resource.type = type;
  resource.properties = asObject(resource.properties);
  const children = embeddedChildren[resource.type.toLowerCase()] ?? [];
  for (const child of children) {
    const items = resource.properties[child.key];
    delete resource.properties[child.key];
    if (Array.isArray(items)) {
      for (const item of items) {
        importResource(state, item as ArmResource, child.type);
      }
    }
  }
  state.put(resource);
  if (resource.type.toLowerCase() === types.tapConfiguration.toLowerCase()) {
    refreshTapBackReferences(state, refId(resource.properties.virtualNetworkTap));
  }
}
