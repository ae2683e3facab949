/**
 * What "Snapshot Connections…" asks of Microsoft.Compute, with `@azure/arm-compute`: a VM's OS,
 * power state and VM agent status (its instance view), and one Run Command (action) of a read-only
 * script. Run Command needs a running VM whose agent is Ready
 * (https://learn.microsoft.com/azure/virtual-machines/linux/run-command and
 * https://learn.microsoft.com/azure/virtual-machines/windows/run-command), so the instance view is
 * read first and a VM that cannot run it is reported without sending anything.
 * REST: https://learn.microsoft.com/rest/api/compute/virtual-machines/run-command (POST
 * `…/virtualMachines/{vm}/runCommand`, a long-running operation whose result is `RunCommandResult`).
 */
import type { SnapshotCommand, RunCommandStatus } from '../core/socketListParsers';
import type { SnapshotOs } from '../core/connectionSnapshot';
import { ArmClients, type ArmAccess } from './armClients';
import { nameOf, resourceGroupOf, subscriptionOf } from './armIds';

/** Whether a VM can run a command now, from its instance view. */
export interface VmGuestState {
  /** Lower-case ARM id. */
  armId: string;
  name: string;
  os: SnapshotOs;
  /** `running`, `deallocated`, `stopped`, `starting`, … (the `PowerState/…` code), or `unknown`. */
  powerState: string;
  /**
   * `ready` when the VM agent reports `Ready`; `notReady` when it reports anything else or the
   * instance view has no agent status (no agent installed, or it stopped reporting).
   */
  agent: 'ready' | 'notReady';
  /** The agent's own words when it is not ready ("VM agent status is not available"), or its version when it is. */
  agentDetail?: string;
}

export class RunCommandReads {
  private readonly clients: ArmClients;

  constructor(account: ArmAccess, private readonly options: { updateIntervalInMs?: number } = {}) {
    this.clients = ArmClients.of(account);
  }

  /** The VM's OS, power state and agent status (GET `…/virtualMachines/{vm}?$expand=instanceView`). */
  async guestState(vmArmId: string, tenantId: string, signal?: AbortSignal): Promise<VmGuestState> {
    const client = this.clients.compute(tenantId, subscriptionOf(vmArmId));
    const vm = await client.virtualMachines.get(resourceGroupOf(vmArmId), nameOf(vmArmId), { expand: 'instanceView', abortSignal: signal });
    const view = vm.instanceView;
    const power = view?.statuses?.find((status) => status.code?.startsWith('PowerState/'))?.code?.slice('PowerState/'.length);
    const agentStatuses = view?.vmAgent?.statuses ?? [];
    const ready = agentStatuses.some((status) => status.displayStatus?.toLowerCase() === 'ready');
    const words = agentStatuses.map((status) => status.message ?? status.displayStatus).filter((text): text is string => typeof text === 'string' && text !== '');
    const osType = vm.storageProfile?.osDisk?.osType ?? view?.osName;
    return {
      armId: (vm.id ?? vmArmId).toLowerCase(),
      name: vm.name ?? nameOf(vmArmId),
      os: typeof osType === 'string' && osType.toLowerCase().startsWith('windows') ? 'Windows' : 'Linux',
      powerState: power ?? 'unknown',
      agent: ready ? 'ready' : 'notReady',
      ...(ready
        ? view?.vmAgent?.vmAgentVersion ? { agentDetail: `VM agent ${view.vmAgent.vmAgentVersion}` } : {}
        : { agentDetail: words.length > 0 ? words.join(' ') : 'The VM reports no VM agent status.' }),
    };
  }

  /**
   * Runs `command` in the VM and waits for its result (POST `…/runCommand`, then the operation's
   * `Location` until it ends). Resolves with `RunCommandResult.value`.
   */
  async runCommand(vmArmId: string, tenantId: string, command: SnapshotCommand, signal?: AbortSignal): Promise<RunCommandStatus[]> {
    const client = this.clients.compute(tenantId, subscriptionOf(vmArmId));
    const result = await client.virtualMachines.runCommand(resourceGroupOf(vmArmId), nameOf(vmArmId), { commandId: command.commandId, script: [...command.script] }, {
      abortSignal: signal,
      ...(this.options.updateIntervalInMs === undefined ? {} : { updateIntervalInMs: this.options.updateIntervalInMs }),
    });
    return (result.value ?? []).map((status) => ({
      ...(status.code === undefined ? {} : { code: status.code }),
      ...(status.message === undefined ? {} : { message: status.message }),
    }));
  }
}
