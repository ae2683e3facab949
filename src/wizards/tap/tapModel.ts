/**
 * What the TAP wizard knows about Azure, as plain data read from the estate (no SDK types, no
 * `vscode`): where mirrored packets can go, the NICs that can be mirrored, and the VNets, NSGs and
 * TAPs the checks need. Keys (`id`, `vnetId`, …) are lower-cased ARM ids; `armId` keeps Azure's casing.
 */
import type { NsgRef, VnetRef } from '../../azure/networkApi';

/** VXLAN: the only port virtual network TAP sends to. */
export const vxlanPort = 4789;

export type TapDestinationKind = 'nic' | 'loadBalancer';

/** A NIC IP configuration of a collector VM, or a frontend IP configuration of a load balancer. */
export interface TapDestination {
  kind: TapDestinationKind;
  id: string;
  armId: string;
  /** `nic-collector-01 › ipconfig1`. */
  label: string;
  /** The NIC or load balancer. */
  parentArmId: string;
  parentName: string;
  subscriptionId: string;
  /** The subscription's display name, when the tree shows it. */
  subscriptionName?: string;
  tenantId: string;
  resourceGroup: string;
  location: string;
  privateIp?: string;
  /** `IPv4` or `IPv6`. */
  ipVersion: string;
  subnetId?: string;
  /** Load balancer SKU: `Standard`, `Basic`, `Gateway`. */
  sku?: string;
  /** A frontend with a public IP address (not an internal load balancer). */
  isPublic?: boolean;
  /** The destination NIC's own NSG. */
  nicNsgId?: string;
  /** The NIC's VM (NIC destinations). */
  vmName?: string;
  /** The NIC's or load balancer's tags. */
  tags?: Record<string, string>;
  /**
   * Load balancer destinations: the backend pool members mirrored packets reach. Without Floating
   * IP the load balancer hands each packet to a backend with the backend's own address as
   * destination, so the backends' NSGs (NIC and subnet) must allow VXLAN to those addresses.
   */
  backends?: TapBackend[];
  /** A rule on this frontend uses Floating IP: backends see the frontend address as destination. */
  floatingIp?: boolean;
}

/** One backend pool member of a load balancer destination. */
export interface TapBackend {
  /** `nic-collector-01 › ipconfig1`, or the address of an IP-based member. */
  label: string;
  privateIp?: string;
  subnetId?: string;
  nicNsgId?: string;
}

export interface TapConfigurationRef {
  id: string;
  armId: string;
  name: string;
  /** The TAP it mirrors into. */
  tapId: string;
}

/** A NIC that can be mirrored. */
export interface TapSourceNic {
  id: string;
  armId: string;
  name: string;
  subscriptionId: string;
  /** The subscription's display name, when the tree shows it. */
  subscriptionName?: string;
  tenantId: string;
  resourceGroup: string;
  location: string;
  subnetIds: string[];
  privateIps: string[];
  vmArmId?: string;
  vmName?: string;
  acceleratedNetworking: boolean;
  tapConfigurations: TapConfigurationRef[];
}

export interface TapRef {
  id: string;
  armId: string;
  name: string;
  subscriptionId: string;
  tenantId: string;
  resourceGroup: string;
  location: string;
  destinationId?: string;
  destinationArmId?: string;
  destinationPort?: number;
  /** Lower-cased ids of the tap configurations mirroring into it. */
  sourceIds: string[];
  /** Its tags, kept when the plan writes it again (an update of its port, Undo of its removal). */
  tags?: Record<string, string>;
}

/** Everything the TAP checks and plans read, across the subscriptions the tree shows. */
export interface TapEstate {
  destinations: TapDestination[];
  nics: TapSourceNic[];
  vnets: VnetRef[];
  nsgs: NsgRef[];
  taps: TapRef[];
  /**
   * Regions beyond Microsoft's published preview list where the user says their subscriptions are
   * enrolled in the virtual network TAP preview (setting `trafficLens.tap.previewRegions`).
   */
  previewRegions?: readonly string[];
}

/** The ARM id of a TAP named `name` in the destination's subscription and resource group. */
export function tapArmId(destination: Pick<TapDestination, 'subscriptionId' | 'resourceGroup'>, name: string): string {
  return `/subscriptions/${destination.subscriptionId}/resourceGroups/${destination.resourceGroup}/providers/Microsoft.Network/virtualNetworkTaps/${name}`;
}
