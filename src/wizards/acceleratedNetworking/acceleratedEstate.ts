/**
 * What the accelerated-networking wizard reads: the NICs of the shown subscriptions (listed again so
 * the plan sees Azure as it is now), then for the chosen NICs their current bodies, their VMs (size,
 * availability set, power state), every VM of those VMs' availability sets, and the VM sizes
 * Resource SKUs lists for each subscription and region involved.
 */
import { idKey, nameOf } from '../../azure/armIds';
import { ComputeReads, type VmSizeFact } from '../../azure/computeReads';
import type { EstateSubscription } from '../../inventory/estate';
import { networkApiVersion } from '../shared/apiVersions';
import { estateEntryOf, reloadSections } from '../shared/estate';
import { sizesKey, type AcceleratedAnswers, type AcceleratedFacts, type AcceleratedNic, type AcceleratedVm, type AvailabilitySetFact, type RawResource } from './acceleratedFacts';

export interface AcceleratedEstate {
  subscriptions: EstateSubscription[];
  /** Every NIC of the shown subscriptions, sorted by name. */
  nics: AcceleratedNic[];
  /** Reads what the plan for `answers` needs; a failed read throws with what could not be read. */
  factsFor(answers: AcceleratedAnswers, signal?: AbortSignal): Promise<AcceleratedFacts>;
}

function entryFor(subscriptions: EstateSubscription[], armId: string): EstateSubscription {
  const entry = estateEntryOf(subscriptions, armId);
  if (entry === undefined) {
    throw new Error(`The subscription of ${armId} is not shown in the tree; select it with "Select Subscriptions…" and try again.`);
  }
  return entry;
}

/** Turns a failed read into the error the user sees, naming `what` (e.g. "virtual machine vm-web-01"). */
export type ReadFailure = (what: string, error: unknown) => unknown;

export async function readAcceleratedEstate(subscriptions: EstateSubscription[], fail: ReadFailure): Promise<AcceleratedEstate> {
  const reading = <T>(what: string, read: Promise<T>): Promise<T> =>
    read.catch((error: unknown) => {
      throw fail(what, error);
    });
  await Promise.all(subscriptions.map((entry) => reloadSections(entry, 'nics')));
  const nics: AcceleratedNic[] = [];
  for (const entry of subscriptions) {
    const { subscriptionId, tenantId, displayName } = entry.subscription;
    for (const nic of entry.inventory.index().nicsById.values()) {
      nics.push({
        id: nic.id,
        armId: nic.armId,
        name: nic.name,
        resourceGroup: nic.resourceGroup,
        location: nic.location.toLowerCase(),
        subscriptionId: subscriptionId.toLowerCase(),
        subscriptionName: displayName,
        tenantId,
        enabled: nic.acceleratedNetworking,
        ...(nic.virtualMachineId ? { vmId: idKey(nic.virtualMachineId), vmName: nic.virtualMachineName ?? nameOf(nic.virtualMachineId) } : {}),
        subnetIds: nic.subnetIds,
      });
    }
  }
  nics.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

  return {
    subscriptions,
    nics,
    factsFor: async (answers, signal) => {
      const byId = new Map(nics.map((nic) => [nic.id, nic]));
      const chosen = answers.nicIds.map(idKey).flatMap((id) => byId.get(id) ?? []);
      const readsOf = (armId: string) => {
        const entry = entryFor(subscriptions, armId);
        return { reads: new ComputeReads(entry.account), tenantId: entry.subscription.tenantId, subscriptionId: entry.subscription.subscriptionId.toLowerCase() };
      };
      const bodies: Record<string, RawResource> = {};
      await Promise.all(chosen.map(async (nic) => {
        const { reads, tenantId } = readsOf(nic.armId);
        bodies[nic.id] = await reading(`network interface ${nic.name}`, reads.networkInterface(nic.armId, tenantId, networkApiVersion, signal));
      }));

      const vms = new Map<string, AcceleratedVm>();
      const readVm = async (vmId: string): Promise<AcceleratedVm> => {
        const { reads, tenantId, subscriptionId } = readsOf(vmId);
        const sizing = await reading(`virtual machine ${nameOf(vmId)}`, reads.vmSizing(vmId, tenantId, signal));
        return { ...sizing, tenantId, subscriptionId };
      };
      const vmIds = [...new Set(chosen.filter((nic) => !nic.enabled).flatMap((nic) => nic.vmId ?? []))];
      for (const vm of await Promise.all(vmIds.map(readVm))) {
        vms.set(idKey(vm.armId), vm);
      }
      const setIds = [...new Set([...vms.values()].flatMap((vm) => vm.availabilitySetId ?? []))];
      const availabilitySets: AvailabilitySetFact[] = await Promise.all(setIds.map(async (setId) => {
        const { reads, tenantId } = readsOf(setId);
        const memberIds = await reading(`availability set ${nameOf(setId)}`, reads.availabilitySetMembers(setId, tenantId, signal));
        return { id: setId, name: nameOf(setId), memberIds };
      }));
      const others = [...new Set(availabilitySets.flatMap((set) => set.memberIds))].filter((id) => !vms.has(id));
      for (const vm of await Promise.all(others.map(readVm))) {
        vms.set(idKey(vm.armId), vm);
      }

      const sizes: Record<string, VmSizeFact[]> = {};
      const places = new Map([...vms.values()].map((vm) => [sizesKey(vm.subscriptionId, vm.location), vm]));
      await Promise.all([...places.entries()].map(async ([key, vm]) => {
        const { reads, tenantId } = readsOf(vm.armId);
        sizes[key] = await reading(`the VM sizes of ${vm.location}`, reads.vmSizes(vm.subscriptionId, tenantId, vm.location, signal));
      }));
      return { nics: chosen, bodies, vms: [...vms.values()], availabilitySets, sizes };
    },
  };
}
