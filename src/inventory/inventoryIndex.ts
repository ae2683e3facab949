import type { FlowLogRef, NetworkWatcherRef, NicRef, NsgRef, PacketCaptureRef, VirtualNetworkTapRef, VnetRef } from '../azure/networkApi';
import { normalizeMac } from '../core/blobPath';

/** The sections of a subscription's inventory, each from its own list call(s). */
export type SectionName = 'vnets' | 'nics' | 'nsgs' | 'watchers' | 'taps';

/** One watcher with its flow logs and packet captures (one list call each). */
export interface WatcherContents {
  watcher: NetworkWatcherRef;
  flowLogs: FlowLogRef[];
  packetCaptures: PacketCaptureRef[];
}

/** What one subscription's lists returned; lookups are by lower-cased ARM id. */
export class InventoryIndex {
  readonly vnetsById = new Map<string, VnetRef>();
  readonly nicsBySubnet = new Map<string, NicRef[]>();
  readonly nicsById = new Map<string, NicRef>();
  readonly nsgsById = new Map<string, NsgRef>();
  readonly flowLogsByTarget = new Map<string, FlowLogRef[]>();
  readonly tapsById = new Map<string, VirtualNetworkTapRef>();
  /** By MAC address as flow-log blobs name it: 12 upper-case hex digits, no separators. */
  readonly nicsByMac = new Map<string, NicRef>();

  constructor(input: { vnets?: VnetRef[]; nics?: NicRef[]; nsgs?: NsgRef[]; watchers?: WatcherContents[]; taps?: VirtualNetworkTapRef[] }) {
    for (const vnet of input.vnets ?? []) {
      this.vnetsById.set(vnet.id, vnet);
    }
    for (const nic of input.nics ?? []) {
      this.nicsById.set(nic.id, nic);
      const mac = nic.macAddress === undefined ? undefined : normalizeMac(nic.macAddress);
      if (mac !== undefined) {
        this.nicsByMac.set(mac, nic);
      }
      for (const subnetId of nic.subnetIds) {
        const list = this.nicsBySubnet.get(subnetId) ?? [];
        list.push(nic);
        this.nicsBySubnet.set(subnetId, list);
      }
    }
    for (const nsg of input.nsgs ?? []) {
      this.nsgsById.set(nsg.id, nsg);
    }
    for (const contents of input.watchers ?? []) {
      for (const flowLog of contents.flowLogs) {
        const list = this.flowLogsByTarget.get(flowLog.targetId) ?? [];
        list.push(flowLog);
        this.flowLogsByTarget.set(flowLog.targetId, list);
      }
    }
    for (const tap of input.taps ?? []) {
      this.tapsById.set(tap.id, tap);
    }
  }

  flowLogsFor(targetId: string): FlowLogRef[] {
    return this.flowLogsByTarget.get(targetId) ?? [];
  }
}

/** Where a subnet's traffic gets logged from, most specific first. */
export type FlowLogCoverage =
  | { kind: 'subnet'; flowLog: FlowLogRef }
  | { kind: 'vnet'; flowLog: FlowLogRef }
  | { kind: 'nsg'; flowLog: FlowLogRef }
  | { kind: 'none' };

/**
 * Which enabled flow log covers a subnet: one on the subnet itself, else one on its virtual
 * network (VNet flow logs cover every subnet), else an NSG flow log on the subnet's NSG.
 */
export function flowLogCoverage(index: InventoryIndex, subnetId: string, vnetId: string, nsgId: string | undefined): FlowLogCoverage {
  const enabled = (targetId: string | undefined): FlowLogRef | undefined => (targetId === undefined ? undefined : index.flowLogsFor(targetId).find((flowLog) => flowLog.enabled));
  const onSubnet = enabled(subnetId);
  if (onSubnet) {
    return { kind: 'subnet', flowLog: onSubnet };
  }
  const onVnet = enabled(vnetId);
  if (onVnet) {
    return { kind: 'vnet', flowLog: onVnet };
  }
  const onNsg = enabled(nsgId);
  if (onNsg) {
    return { kind: 'nsg', flowLog: onNsg };
  }
  return { kind: 'none' };
}
