/**
 * What the rest of the extension knows about Azure networking: small types with lower-cased ARM
 * ids as keys (`id`), the ids as Azure spelled them for display and links (`armId`), and the SDK's
 * view of the resource for "View Properties" (`properties`). Only `src/azure` imports `@azure/*`.
 */

export interface TenantRef {
  tenantId: string;
  displayName: string;
  defaultDomain?: string;
}

export interface SubscriptionRef {
  /** `/subscriptions/<guid>`, lower case. */
  id: string;
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  /** The tenant's display name, when the tenant list had it. */
  tenantName?: string;
  state: string;
  properties: unknown;
}

interface ResourceRef {
  /** Lower-cased ARM id: the key everywhere. */
  id: string;
  /** The ARM id with Azure's casing, for display, copy and portal links. */
  armId: string;
  name: string;
  resourceGroup: string;
  properties: unknown;
}

export interface SubnetRef extends ResourceRef {
  vnetId: string;
  addressPrefixes: string[];
  /** Lower-cased id of the subnet's NSG. */
  networkSecurityGroupId?: string;
}

export type PeeringState = 'Initiated' | 'Connected' | 'Disconnected' | string;

export interface PeeringRef extends ResourceRef {
  vnetId: string;
  remoteVnetId?: string;
  remoteVnetArmId?: string;
  peeringState: PeeringState;
  /** `FullyInSync`, `LocalNotInSync`, `RemoteNotInSync`, `LocalAndRemoteNotInSync`. */
  syncLevel?: string;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
}

/** Whether a peering's address spaces are synced on both sides (a peering that reports no level is). */
export function isInSync(peering: { syncLevel?: string }): boolean {
  return (peering.syncLevel ?? 'FullyInSync') === 'FullyInSync';
}

export interface VnetRef extends ResourceRef {
  location: string;
  addressSpace: string[];
  subnets: SubnetRef[];
  peerings: PeeringRef[];
}

export interface NicRef extends ResourceRef {
  location: string;
  /** Lower-cased subnet ids of its IP configurations. */
  subnetIds: string[];
  privateIpAddresses: string[];
  primaryPrivateIp?: string;
  macAddress?: string;
  virtualMachineId?: string;
  virtualMachineName?: string;
  acceleratedNetworking: boolean;
  networkSecurityGroupId?: string;
  /** Lower-cased ids of the virtual network TAPs its tap configurations point at. */
  tapIds: string[];
  tags?: Record<string, string>;
}

export interface SecurityRuleRef {
  name: string;
  priority: number;
  direction: string;
  access: string;
  protocol: string;
  source: string;
  sourcePorts: string;
  destination: string;
  destinationPorts: string;
  description?: string;
}

export interface NsgRef extends ResourceRef {
  location: string;
  rules: SecurityRuleRef[];
  /** Lower-cased ids of the subnets and NICs it is attached to. */
  subnetIds: string[];
  nicIds: string[];
}

export interface NetworkWatcherRef extends ResourceRef {
  location: string;
}

export interface StorageAccountRef extends ResourceRef {
  location: string;
  /** `StorageV2`, `BlobStorage`, … */
  kind: string;
  /** `Standard_LRS`, … */
  sku: string;
}

export interface FlowLogRef extends ResourceRef {
  watcherId: string;
  location: string;
  targetId: string;
  targetArmId: string;
  storageId: string;
  storageArmId: string;
  enabled: boolean;
  trafficAnalytics: boolean;
  formatVersion?: number;
  retentionDays?: number;
}

export interface PacketCaptureRef extends ResourceRef {
  watcherId: string;
  targetId: string;
  targetArmId: string;
  storageId?: string;
  filePath?: string;
  provisioningState?: string;
}

/** What Network Watcher's queryStatus (PacketCaptures_GetStatus) answers about a capture. */
export interface PacketCaptureStatusRef {
  /** `NotStarted`, `Running`, `Stopped`, `Error` or `Unknown`. */
  status: string;
  /** Why it stopped, e.g. `TimeExceeded`; empty while it runs. */
  stopReason?: string;
  /** `InternalError`, `AgentStopped`, `CaptureFailed`, `LocalFileFailed`, `StorageFailed`. */
  errors: string[];
}

export interface VirtualNetworkTapRef extends ResourceRef {
  location: string;
  /** Lower-cased id of the destination NIC IP configuration or load balancer frontend. */
  destinationId?: string;
  destinationArmId?: string;
  destinationPort?: number;
  /** Lower-cased ids of the NIC tap configurations that mirror into it. */
  sourceIds: string[];
}

/**
 * Subscription-wide reads: one list call per resource type (subnets and peerings come embedded in
 * their virtual network), plus one per network watcher for its flow logs and packet captures.
 */
export interface NetworkApi {
  listTenants(signal?: AbortSignal): Promise<TenantRef[]>;
  listSubscriptions(signal?: AbortSignal): Promise<SubscriptionRef[]>;
  listVnets(subscription: SubscriptionRef, signal?: AbortSignal): Promise<VnetRef[]>;
  listNics(subscription: SubscriptionRef, signal?: AbortSignal): Promise<NicRef[]>;
  /** Told when this extension changed the subscription, so the next lists show the change. */
  noteChanged?(subscription: SubscriptionRef): void;
  listNsgs(subscription: SubscriptionRef, signal?: AbortSignal): Promise<NsgRef[]>;
  listNetworkWatchers(subscription: SubscriptionRef, signal?: AbortSignal): Promise<NetworkWatcherRef[]>;
  listVirtualNetworkTaps(subscription: SubscriptionRef, signal?: AbortSignal): Promise<VirtualNetworkTapRef[]>;
  listFlowLogs(subscription: SubscriptionRef, watcher: NetworkWatcherRef, signal?: AbortSignal): Promise<FlowLogRef[]>;
  listPacketCaptures(subscription: SubscriptionRef, watcher: NetworkWatcherRef, signal?: AbortSignal): Promise<PacketCaptureRef[]>;
  /** A capture's state (a long-running POST); absent where captures are only listed. */
  packetCaptureStatus?(subscription: SubscriptionRef, capture: PacketCaptureRef, signal?: AbortSignal): Promise<PacketCaptureStatusRef>;
  /** The subscription's storage accounts (one subscription-wide list); absent where storage is not browsed. */
  listStorageAccounts?(subscription: SubscriptionRef, signal?: AbortSignal): Promise<StorageAccountRef[]>;
}
