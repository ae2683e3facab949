/**
 * The accelerated-networking checks: pure functions of the facts. A VM's size must support
 * accelerated networking in its region and have at least two vCPUs, and its power state must be
 * known so the plan can stop and start it as it was.
 *
 * Supported sizes (https://learn.microsoft.com/azure/virtual-network/accelerated-networking-overview#supported-vm-instances):
 * "Accelerated Networking is supported on most general purpose and compute-optimized VM sizes with
 * two or more vCPUs." Which sizes exactly is what Resource SKUs lists as the capability
 * `AcceleratedNetworkingEnabled` for the region (https://learn.microsoft.com/rest/api/compute/resource-skus/list).
 */
import type { PlanCheck } from '../../core/plan';
import { sizesKey, type AcceleratedFacts, type AcceleratedVm, type VmSizeFact } from './acceleratedFacts';

/** The size fact of a VM from Resource SKUs of its subscription and region, if listed. */
export function sizeOf(vm: AcceleratedVm, facts: Pick<AcceleratedFacts, 'sizes'>): VmSizeFact | undefined {
  return (facts.sizes[sizesKey(vm.subscriptionId, vm.location)] ?? []).find((size) => size.name.toLowerCase() === vm.size.toLowerCase());
}

/** Why a VM's size can't take accelerated networking, or `undefined` when it can. */
export function sizeProblem(vm: AcceleratedVm, facts: Pick<AcceleratedFacts, 'sizes'>): string | undefined {
  const size = sizeOf(vm, facts);
  if (size === undefined) {
    return `${vm.name} is ${vm.size || 'of an unknown size'}, which Resource SKUs does not list in ${vm.location}`;
  }
  if (!size.acceleratedNetworking) {
    return `${vm.name} is ${size.name}, which does not support accelerated networking in ${vm.location}`;
  }
  return undefined;
}

/** Why a VM has too few vCPUs, or `undefined`. */
export function vcpuProblem(vm: AcceleratedVm, facts: Pick<AcceleratedFacts, 'sizes'>): string | undefined {
  const size = sizeOf(vm, facts);
  if (size !== undefined && size.vCPUs < 2) {
    return `${vm.name} is ${size.name} with ${size.vCPUs} vCPU${size.vCPUs === 1 ? '' : 's'}`;
  }
  return undefined;
}

function describeSize(vm: AcceleratedVm, facts: Pick<AcceleratedFacts, 'sizes'>): string {
  const size = sizeOf(vm, facts);
  return size ? `${vm.name} (${size.name}, ${size.vCPUs} vCPUs)` : vm.name;
}

/** Every VM's size supports accelerated networking in its region. */
export function sizeCheck(vms: readonly AcceleratedVm[], facts: Pick<AcceleratedFacts, 'sizes'>): PlanCheck {
  const problems = vms.flatMap((vm) => sizeProblem(vm, facts) ?? []);
  return {
    id: 'an.size',
    title: 'VM size supports accelerated networking',
    status: problems.length > 0 ? 'failed' : 'passed',
    detail: problems.length > 0
      ? `${problems.join('; ')}. Resize the VM to a size that supports it (for example the Dsv5 series) first.`
      : vms.length === 0 ? 'No VM is attached to the network interfaces to change.' : `${vms.map((vm) => describeSize(vm, facts)).join(', ')} support${vms.length === 1 ? 's' : ''} accelerated networking (Resource SKUs).`,
  };
}

/** Every VM has at least two vCPUs. */
export function vcpuCheck(vms: readonly AcceleratedVm[], facts: Pick<AcceleratedFacts, 'sizes'>): PlanCheck {
  const problems = vms.flatMap((vm) => vcpuProblem(vm, facts) ?? []);
  return {
    id: 'an.vcpus',
    title: 'At least 2 vCPUs',
    status: problems.length > 0 ? 'failed' : 'passed',
    detail: problems.length > 0 ? `${problems.join('; ')}: accelerated networking needs two or more vCPUs.` : vms.length === 0 ? 'No VM to check.' : 'Every VM has two or more vCPUs.',
  };
}

/** The plan starts again only VMs that ran, so every power state must be known. */
export function powerStateCheck(vms: readonly AcceleratedVm[]): PlanCheck {
  const unknown = vms.filter((vm) => !['running', 'deallocated', 'stopped', 'starting', 'stopping', 'deallocating'].includes(vm.powerState));
  return {
    id: 'an.powerState',
    title: 'VM power state known',
    status: unknown.length > 0 ? 'failed' : 'passed',
    detail: unknown.length > 0
      ? `${unknown.map((vm) => `${vm.name} (${vm.powerState})`).join(', ')}: the power state could not be read, so the plan can't tell whether to start it again. Refresh and try again.`
      : vms.map((vm) => `${vm.name} is ${vm.powerState}`).join(', ') || 'No VM to stop.',
  };
}
