/**
 * What "Snapshot Connections…" reads before asking and planning: the VMs of the shown
 * subscriptions (from their NICs, reloaded so the list is current), the VMs a right-clicked row
 * stands for (a VM or NIC row its VM, a subnet or VNet row the VMs with a NIC in it), and once the
 * VMs are picked, each one's OS, power state and agent status. It also runs the command, through
 * the account that lists the VM's subscription.
 */
import { nameOf, resourceTypeOf } from '../../azure/armIds';
import { toArmProblem } from '../../azure/armProblem';
import { RunCommandReads } from '../../azure/runCommandReads';
import type { EstateSubscription } from '../../inventory/estate';
import { estateEntryOf, reloadSections } from '../shared/estate';
import type { SnapshotVmFact } from './plan';
import type { SnapshotRunPort } from './run';

/** A VM the snapshot can run on (from the NICs of the shown subscriptions). */
export interface SnapshotVmChoice {
  /** Lower-case ARM id. */
  armId: string;
  name: string;
  subscriptionName: string;
  tenantId: string;
  privateIps: string[];
  /** Lower-case ids of its NICs' subnets. */
  subnetIds: string[];
}

export interface SnapshotEstate extends SnapshotRunPort {
  vms: SnapshotVmChoice[];
  /** The VMs a row stands for (lower-case ids); empty for the palette or a row with no VM. Throws naming the row when it has none. */
  vmsOf(resourceIds: readonly string[]): string[];
  /** OS, power state and agent status of each VM; a VM that cannot be read carries Azure's error instead. */
  factsFor(vmIds: readonly string[], signal?: AbortSignal): Promise<SnapshotVmFact[]>;
}

export async function readSnapshotEstate(subscriptions: EstateSubscription[], options: { updateIntervalInMs?: number } = {}): Promise<SnapshotEstate> {
  const vms = new Map<string, SnapshotVmChoice>();
  await Promise.all(subscriptions.map(async (entry) => {
    await reloadSections(entry, 'nics');
    for (const nic of entry.inventory.index().nicsById.values()) {
      if (!nic.virtualMachineId) {
        continue;
      }
      const key = nic.virtualMachineId.toLowerCase();
      const known = vms.get(key);
      if (known) {
        known.privateIps.push(...nic.privateIpAddresses);
        known.subnetIds.push(...nic.subnetIds.map((id) => id.toLowerCase()));
        continue;
      }
      vms.set(key, {
        armId: key,
        name: nic.virtualMachineName ?? nameOf(nic.virtualMachineId),
        subscriptionName: entry.subscription.displayName,
        tenantId: entry.subscription.tenantId,
        privateIps: [...nic.privateIpAddresses],
        subnetIds: nic.subnetIds.map((id) => id.toLowerCase()),
      });
    }
  }));
  const list = [...vms.values()].sort((a, b) => a.subscriptionName.localeCompare(b.subscriptionName) || a.name.localeCompare(b.name));
  const readsFor = (vmId: string): { reads: RunCommandReads; tenantId: string } => {
    const entry = estateEntryOf(subscriptions, vmId);
    if (entry === undefined) {
      throw new Error(`The subscription of ${nameOf(vmId)} is not shown in the tree; select it with "Select Subscriptions…" and try again.`);
    }
    return { reads: new RunCommandReads(entry.account, options), tenantId: entry.subscription.tenantId };
  };

  return {
    vms: list,
    vmsOf: (resourceIds) => {
      const picked = new Set<string>();
      for (const resourceId of resourceIds) {
        const id = resourceId.toLowerCase();
        const type = resourceTypeOf(id);
        const found = type === 'microsoft.compute/virtualmachines'
          ? list.filter((vm) => vm.armId === id)
          : type === 'microsoft.network/networkinterfaces'
            ? list.filter((vm) => subscriptions.some((entry) => entry.inventory.index().nicsById.get(id)?.virtualMachineId?.toLowerCase() === vm.armId))
            : type === 'microsoft.network/virtualnetworks/subnets'
              ? list.filter((vm) => vm.subnetIds.includes(id))
              : type === 'microsoft.network/virtualnetworks'
                ? list.filter((vm) => vm.subnetIds.some((subnetId) => subnetId.startsWith(`${id}/subnets/`)))
                : [];
        if (found.length === 0 && type !== '') {
          const what = type === 'microsoft.network/networkinterfaces' ? `Network interface ${nameOf(id)} is not attached to a virtual machine` : `${nameOf(id)} has no virtual machine with a NIC in it`;
          if (resourceIds.length === 1) {
            throw new Error(`${what}: a connection snapshot runs in VMs.`);
          }
        }
        for (const vm of found) {
          picked.add(vm.armId);
        }
      }
      return list.filter((vm) => picked.has(vm.armId)).map((vm) => vm.armId);
    },
    factsFor: (vmIds, signal) => Promise.all(vmIds.map(async (vmId): Promise<SnapshotVmFact> => {
      const choice = vms.get(vmId.toLowerCase());
      const base = { armId: vmId.toLowerCase(), name: choice?.name ?? nameOf(vmId), subscriptionName: choice?.subscriptionName ?? '', tenantId: choice?.tenantId ?? '', privateIps: choice?.privateIps ?? [] };
      try {
        const { reads, tenantId } = readsFor(vmId);
        const state = await reads.guestState(vmId, tenantId, signal);
        return { ...base, tenantId, name: state.name, os: state.os, powerState: state.powerState, agent: state.agent, ...(state.agentDetail ? { agentDetail: state.agentDetail } : {}) };
      } catch (error) {
        const problem = toArmProblem(error);
        return { ...base, readProblem: { code: problem.code, message: problem.message } };
      }
    })),
    runCommand: (vm, command, signal) => {
      const { reads, tenantId } = readsFor(vm.armId);
      return reads.runCommand(vm.armId, tenantId, command, signal);
    },
  };
}
