/**
 * Where an NSG flow log's traffic goes when it is migrated to VNet flow logs: each subnet the NSG is
 * attached to (or its whole VNet when an enabled VNet flow log already covers it, which is kept), and
 * each NIC the NSG is attached to directly (or the VNet or subnet whose enabled flow log already covers it).
 * Pure: no `vscode` import here.
 */
import { parentId } from '../../azure/armIds';
import type { ExistingFlowLog, FlowLogTarget } from './flowLogFacts';

/** What an NSG is attached to: lower-cased subnet and NIC ids. */
export interface NsgAttachments {
  subnetIds: readonly string[];
  nicIds: readonly string[];
}

/** The VNet flow-log targets that take over an NSG's traffic, VNets and subnets first, then NICs. */
export function migrationTargets(nsg: NsgAttachments, targets: readonly FlowLogTarget[], flowLogs: readonly ExistingFlowLog[]): FlowLogTarget[] {
  const byId = new Map(targets.map((target) => [target.id, target]));
  const logged = new Set(flowLogs.filter((flowLog) => flowLog.enabled).map((flowLog) => flowLog.targetId.toLowerCase()));
  const chosen = new Map<string, FlowLogTarget>();
  const covered = new Set<string>();
  for (const subnetId of nsg.subnetIds.map((id) => id.toLowerCase())) {
    const vnetId = parentId(subnetId);
    const target = logged.has(vnetId) ? byId.get(vnetId) : byId.get(subnetId);
    if (target !== undefined) {
      chosen.set(target.id, target);
    }
    covered.add(subnetId);
  }
  for (const nicId of nsg.nicIds.map((id) => id.toLowerCase())) {
    const nic = byId.get(nicId);
    if (nic === undefined || nic.kind !== 'nic') {
      continue;
    }
    const subnetIds = nic.subnetIds ?? [];
    if (subnetIds.some((subnetId) => covered.has(subnetId)) || (nic.vnetId !== undefined && chosen.has(nic.vnetId))) {
      continue;
    }
    // A flow log that already covers the NIC is kept (and shown as such) instead of logging it twice.
    const coveringId = [nic.vnetId, ...subnetIds].find((id): id is string => id !== undefined && logged.has(id) && byId.has(id));
    const target = coveringId === undefined ? nic : (byId.get(coveringId) as FlowLogTarget);
    chosen.set(target.id, target);
  }
  return [...chosen.values()];
}
