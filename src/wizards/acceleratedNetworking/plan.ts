/**
 * The accelerated-networking plan: a pure function of the answers and the facts read from Azure.
 * Accelerated networking takes effect on an existing VM only once it is deallocated and started
 * (https://learn.microsoft.com/azure/virtual-network/accelerated-networking-how-to, "Enable
 * Accelerated Networking on existing VMs"), so for each VM the plan runs deallocate → update its
 * NICs → start, the start only for a VM that was running. "If the VM is part of an availability set,
 * you must deallocate all VMs in the availability set before you enable accelerated networking":
 * every VM of such a set is deallocated before any NIC of the set is updated, and the set's VMs are
 * started only after all of its NICs are. VMs outside a set (and different sets) run in parallel.
 */
import { idKey, nameOf } from '../../azure/armIds';
import type { Plan, PlanCheck, UndoStep } from '../../core/plan';
import { ActionList } from '../shared/actionList';
import { computeApiVersion, networkApiVersion } from '../shared/apiVersions';
import { nicUpdateBody, type AcceleratedAnswers, type AcceleratedFacts, type AcceleratedNic, type AcceleratedVm, type AvailabilitySetFact } from './acceleratedFacts';
import { powerStateCheck, sizeCheck, vcpuCheck } from './checks';

/** A group of VMs stopped and started together: one availability set, or one VM on its own. */
interface Unit {
  set?: AvailabilitySetFact;
  vms: AcceleratedVm[];
  nics: AcceleratedNic[];
}

function isRunning(vm: AcceleratedVm): boolean {
  return vm.powerState === 'running' || vm.powerState === 'starting';
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Builds the plan; failed checks leave it refused (shown without Apply). */
export function planAcceleratedNetworking(answers: AcceleratedAnswers, facts: AcceleratedFacts): Plan {
  const nicsById = new Map(facts.nics.map((nic) => [nic.id, nic]));
  const chosen = [...new Set(answers.nicIds.map(idKey))].map((id) => {
    const nic = nicsById.get(id);
    if (nic === undefined) {
      throw new Error(`The network interface ${nameOf(id)} is no longer in the inventory. Refresh the view and run the wizard again.`);
    }
    return nic;
  });
  const vmsById = new Map(facts.vms.map((vm) => [idKey(vm.armId), vm]));
  const vmOf = (nic: AcceleratedNic): AcceleratedVm | undefined => {
    if (nic.vmId === undefined) {
      return undefined;
    }
    const vm = vmsById.get(nic.vmId);
    if (vm === undefined) {
      throw new Error(`The virtual machine ${nic.vmName ?? nameOf(nic.vmId)} of ${nic.name} could not be read. Refresh the view and run the wizard again.`);
    }
    return vm;
  };
  const toEnable = chosen.filter((nic) => !nic.enabled);
  const alreadyOn = chosen.filter((nic) => nic.enabled);

  // VMs to stop, grouped: an availability set with all of its VMs, else the VM alone.
  const setsById = new Map(facts.availabilitySets.map((set) => [set.id, set]));
  const units = new Map<string, Unit>();
  const unattached: AcceleratedNic[] = [];
  for (const nic of toEnable) {
    const vm = vmOf(nic);
    if (vm === undefined) {
      unattached.push(nic);
      continue;
    }
    const set = vm.availabilitySetId === undefined ? undefined : setsById.get(vm.availabilitySetId);
    if (vm.availabilitySetId !== undefined && set === undefined) {
      throw new Error(`The availability set ${nameOf(vm.availabilitySetId)} of ${vm.name} could not be read. Refresh the view and run the wizard again.`);
    }
    const key = set?.id ?? idKey(vm.armId);
    let unit = units.get(key);
    if (unit === undefined) {
      const members = set ? set.memberIds.map((id) => vmsById.get(id)).filter((member): member is AcceleratedVm => member !== undefined) : [vm];
      unit = { ...(set ? { set } : {}), vms: members.some((member) => idKey(member.armId) === idKey(vm.armId)) ? members : [...members, vm], nics: [] };
      units.set(key, unit);
    }
    unit.nics.push(nic);
  }
  const changedVms = [...new Map([...units.values()].flatMap((unit) => unit.nics.map((nic) => vmOf(nic)!)).map((vm) => [idKey(vm.armId), vm])).values()];
  const stoppedVms = [...units.values()].flatMap((unit) => unit.vms);

  const checks: PlanCheck[] = [];
  checks.push({
    id: 'an.nics',
    title: 'Network interfaces to change',
    status: chosen.length === 0 ? 'failed' : 'passed',
    detail: chosen.length === 0
      ? 'No network interface was chosen.'
      : [
          toEnable.length > 0 ? `Accelerated networking is off on ${toEnable.map((nic) => nic.name).join(', ')}.` : 'Every chosen network interface already has accelerated networking on: nothing to change.',
          alreadyOn.length > 0 ? `Already on, kept: ${alreadyOn.map((nic) => nic.name).join(', ')}.` : undefined,
        ].filter(Boolean).join(' '),
  });
  checks.push(sizeCheck(changedVms, facts), vcpuCheck(changedVms, facts), powerStateCheck(stoppedVms));
  for (const unit of units.values()) {
    if (unit.set === undefined) {
      continue;
    }
    const others = unit.vms.filter((vm) => !unit.nics.some((nic) => nic.vmId === idKey(vm.armId)));
    checks.push({
      id: `an.availabilitySet:${unit.set.name}`,
      title: `Availability set ${unit.set.name}`,
      status: others.some(isRunning) ? 'warning' : 'passed',
      detail: `Azure moves an availability set to hardware with accelerated networking only when all of its VMs are deallocated: ${unit.vms.map((vm) => `${vm.name} (${vm.powerState})`).join(', ')} are all deallocated before ${plural(unit.nics.length, 'NIC')} ${unit.nics.length === 1 ? 'is' : 'are'} updated, and started once all are.${others.length > 0 ? ` ${others.map((vm) => vm.name).join(', ')} ${others.length === 1 ? 'has' : 'have'} no NIC to change but ${others.length === 1 ? 'is' : 'are'} stopped too.` : ''}`,
    });
  }

  const list = new ActionList();
  const bodyOf = (nic: AcceleratedNic, enable: boolean): Record<string, unknown> => {
    const raw = facts.bodies[nic.id];
    if (raw === undefined) {
      throw new Error(`The network interface ${nic.name} could not be read. Refresh the view and run the wizard again.`);
    }
    return nicUpdateBody(raw, enable);
  };
  const putNic = (nic: AcceleratedNic, dependsOn: string[], impact: string): string =>
    list.add({
      kind: 'put',
      title: `Turn on accelerated networking on ${nic.name}`,
      resourceId: nic.armId,
      resourceType: 'Microsoft.Network/networkInterfaces',
      apiVersion: networkApiVersion,
      body: bodyOf(nic, true),
      dependsOn,
      tenantId: nic.tenantId,
      existing: 'differs',
      // A PUT with it off again; a VM stopped and started by this plan is stopped and started again by undoing those steps.
      undo: { kind: 'put', body: bodyOf(nic, false) },
      impact,
    }).id;

  let downtimeCount = 0;
  for (const unit of units.values()) {
    const where = unit.set ? ` (availability set ${unit.set.name})` : '';
    const deallocations: string[] = [];
    for (const vm of unit.vms) {
      if (vm.powerState === 'deallocated') {
        continue;
      }
      const running = isRunning(vm);
      downtimeCount += running ? 1 : 0;
      const undo: UndoStep = running ? { kind: 'post', operation: 'start' } : { kind: 'none', reason: `${vm.name} was ${vm.powerState} before and stays deallocated.` };
      deallocations.push(list.add({
        kind: 'post',
        title: `Stop (deallocate) ${vm.name}${where}`,
        resourceId: vm.armId,
        resourceType: 'Microsoft.Compute/virtualMachines',
        apiVersion: computeApiVersion,
        operation: 'deallocate',
        dependsOn: [],
        tenantId: vm.tenantId,
        existing: 'absent',
        undo,
        impact: running
          ? `${vm.name} is down from here until it is started again${unit.set ? ` after every NIC of ${unit.set.name} is updated` : ' after its NICs are updated'}: a few minutes of downtime.`
          : `${vm.name} is ${vm.powerState} (still allocated): it is deallocated and stays deallocated.`,
      }).id);
    }
    const puts = unit.nics.map((nic) => {
      const vm = vmOf(nic)!;
      return putNic(nic, deallocations, vm.powerState === 'deallocated' ? `${vm.name} stays deallocated; accelerated networking applies when it next starts.` : `${vm.name} is deallocated while this runs.`);
    });
    for (const vm of unit.vms.filter(isRunning)) {
      list.add({
        kind: 'post',
        title: `Start ${vm.name}${where}`,
        resourceId: vm.armId,
        resourceType: 'Microsoft.Compute/virtualMachines',
        apiVersion: computeApiVersion,
        operation: 'start',
        dependsOn: puts,
        tenantId: vm.tenantId,
        existing: 'absent',
        undo: { kind: 'post', operation: 'deallocate' },
        impact: `${vm.name} runs again, now with accelerated networking${unit.nics.some((nic) => nic.vmId === idKey(vm.armId)) ? '' : ' on its set\u2019s hardware'}.`,
      });
    }
  }
  for (const nic of unattached) {
    putNic(nic, [], `${nic.name} is attached to no VM: no downtime.`);
  }
  for (const nic of alreadyOn) {
    list.add({
      kind: 'put',
      title: `Keep accelerated networking on ${nic.name} (already on)`,
      resourceId: nic.armId,
      resourceType: 'Microsoft.Network/networkInterfaces',
      apiVersion: networkApiVersion,
      body: bodyOf(nic, true),
      dependsOn: [],
      tenantId: nic.tenantId,
      existing: 'same',
    });
  }

  const warnings: string[] = [];
  if (downtimeCount > 0) {
    warnings.push(`${plural(downtimeCount, 'VM')} ${downtimeCount === 1 ? 'is' : 'are'} stopped (deallocated) and started again: each is down for a few minutes, and a VM of an availability set until every NIC of its set is updated. A deallocated VM may get a new dynamic public IP address.`);
  }
  if (changedVms.some((vm) => vm.powerState === 'deallocated')) {
    warnings.push(`${changedVms.filter((vm) => vm.powerState === 'deallocated').map((vm) => vm.name).join(', ')} ${changedVms.filter((vm) => vm.powerState === 'deallocated').length === 1 ? 'is' : 'are'} deallocated and stay${changedVms.filter((vm) => vm.powerState === 'deallocated').length === 1 ? 's' : ''} deallocated; accelerated networking applies when started.`);
  }
  if (toEnable.length > 0) {
    warnings.push('The guest OS needs a driver for the accelerated network adapter (Mellanox or MANA); current Azure Marketplace images have it.');
    warnings.push('Undo turns accelerated networking off again with the same steps in reverse: the VMs this plan started are stopped (deallocated), their NICs are updated, and they are started again.');
  }
  if (unattached.length > 0) {
    warnings.push(`${unattached.map((nic) => nic.name).join(', ')} ${unattached.length === 1 ? 'is' : 'are'} attached to no VM: a VM it is attached to later must have a size that supports accelerated networking.`);
  }

  return {
    kind: 'acceleratedNetworking',
    title: `Enable accelerated networking on ${plural(chosen.length, 'network interface')}`,
    summary: [
      toEnable.length > 0 ? `Turn on accelerated networking on ${toEnable.map((nic) => nic.name).join(', ')}.` : 'Every chosen network interface already has accelerated networking on.',
      ...(alreadyOn.length > 0 ? [`${alreadyOn.map((nic) => nic.name).join(', ')} already ${alreadyOn.length === 1 ? 'has' : 'have'} it on (kept).`] : []),
      ...(stoppedVms.length > 0 ? [`For each VM: deallocate, update its NICs, start again (only VMs that were running): ${stoppedVms.map((vm) => vm.name).join(', ')}.`] : []),
    ],
    checks,
    warnings,
    actions: list.actions,
  };
}
