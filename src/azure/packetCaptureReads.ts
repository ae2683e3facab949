/**
 * Azure calls of the packet-capture commands: the VM with its instance view and extensions, a
 * capture's settings and status, and stopping a capture. One instance per signed-in account.
 */
import type { NetworkManagementClient, PacketCaptureResult } from '@azure/arm-network';
import { nameOf, parentId, resourceGroupOf, subscriptionOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';
import { toArmProblem } from './armProblem';

export type OsType = 'Linux' | 'Windows';

export interface VmExtensionFact {
  name: string;
  publisher: string;
  type: string;
  provisioningState: string;
}

export interface VmFact {
  /** ARM id as Azure spells it. */
  armId: string;
  name: string;
  subscriptionId: string;
  tenantId: string;
  resourceGroup: string;
  location: string;
  osType: OsType;
  /** `running`, `deallocated`, `stopped`, `starting`, … (the `PowerState/…` code), or `unknown`. */
  powerState: string;
  privateIps: string[];
  extensions: VmExtensionFact[];
}

export interface CaptureFilter {
  protocol: 'TCP' | 'UDP' | 'Any';
  localIPAddress?: string;
  remoteIPAddress?: string;
  localPort?: string;
  remotePort?: string;
}

/** A capture with the wizard's name already in the watcher, with its status from queryStatus. */
export interface ExistingCapture {
  armId: string;
  name: string;
  target: string;
  /** `Running`, `Stopped`, `NotStarted`, `Error`, `Unknown`. */
  status: string;
  storageId?: string;
  filePath?: string;
  timeLimitInSeconds?: number;
  bytesToCapturePerPacket?: number;
  totalBytesPerSession?: number;
  filters: CaptureFilter[];
}

/** What queryStatus answers, plus the capture's storage path once known. */
export interface CaptureStatus {
  status: string;
  stopReason?: string;
  startTime?: string;
  errors: string[];
}

function osTypeOf(value: string | undefined): OsType {
  return value?.toLowerCase() === 'windows' ? 'Windows' : 'Linux';
}

export class PacketCaptureReads {
  private readonly clients: ArmClients;

  constructor(account: ArmAccess) {
    this.clients = ArmClients.of(account);
  }

  /** The VM with power state (instance view), OS and extensions; private IPs come from the caller's NIC inventory. */
  async readVm(vmArmId: string, tenantId: string, privateIps: string[], signal?: AbortSignal): Promise<VmFact> {
    const subscriptionId = subscriptionOf(vmArmId);
    const client = this.clients.compute(tenantId, subscriptionId);
    const group = resourceGroupOf(vmArmId);
    const vm = await client.virtualMachines.get(group, nameOf(vmArmId), { expand: 'instanceView', abortSignal: signal });
    const extensions = await client.virtualMachineExtensions.list(group, nameOf(vmArmId), { abortSignal: signal });
    const power = vm.instanceView?.statuses?.find((status) => status.code?.startsWith('PowerState/'))?.code?.slice('PowerState/'.length);
    return {
      armId: vm.id ?? vmArmId,
      name: vm.name ?? nameOf(vmArmId),
      subscriptionId,
      tenantId,
      resourceGroup: group,
      location: (vm.location ?? '').toLowerCase(),
      osType: osTypeOf(vm.storageProfile?.osDisk?.osType),
      powerState: power ?? 'unknown',
      privateIps,
      extensions: (extensions.value ?? []).map((extension) => ({
        name: extension.name ?? '',
        publisher: extension.publisher ?? '',
        type: extension.typePropertiesType ?? '',
        provisioningState: extension.provisioningState ?? '',
      })),
    };
  }

  /** A capture and its status, or undefined when the watcher has no capture of that name. */
  async readCapture(watcherArmId: string, name: string, tenantId: string, signal?: AbortSignal): Promise<ExistingCapture | undefined> {
    const network = this.network(tenantId, watcherArmId);
    let capture: PacketCaptureResult;
    try {
      capture = await network.packetCaptures.get(resourceGroupOf(watcherArmId), nameOf(watcherArmId), name, { abortSignal: signal });
    } catch (error) {
      const problem = toArmProblem(error);
      if (problem.status === 404) {
        return undefined;
      }
      throw error;
    }
    const status = await this.status(`${watcherArmId}/packetCaptures/${name}`, tenantId, signal);
    return {
      armId: capture.id ?? `${watcherArmId}/packetCaptures/${name}`,
      name,
      target: capture.target ?? '',
      status: status.status,
      ...(capture.storageLocation?.storageId ? { storageId: capture.storageLocation.storageId } : {}),
      ...(capture.storageLocation?.filePath ? { filePath: capture.storageLocation.filePath } : {}),
      ...(capture.timeLimitInSeconds === undefined ? {} : { timeLimitInSeconds: capture.timeLimitInSeconds }),
      ...(capture.bytesToCapturePerPacket === undefined ? {} : { bytesToCapturePerPacket: capture.bytesToCapturePerPacket }),
      ...(capture.totalBytesPerSession === undefined ? {} : { totalBytesPerSession: capture.totalBytesPerSession }),
      filters: (capture.filters ?? []).map((filter): CaptureFilter => ({
        protocol: filter.protocol === 'TCP' || filter.protocol === 'UDP' ? filter.protocol : 'Any',
        ...(filter.localIPAddress ? { localIPAddress: filter.localIPAddress } : {}),
        ...(filter.remoteIPAddress ? { remoteIPAddress: filter.remoteIPAddress } : {}),
        ...(filter.localPort ? { localPort: filter.localPort } : {}),
        ...(filter.remotePort ? { remotePort: filter.remotePort } : {}),
      })),
    };
  }

  /** The capture's storage account and blob URL (`storageLocation.storagePath`), if it writes to storage. */
  async storageOf(captureArmId: string, tenantId: string, signal?: AbortSignal): Promise<{ storageId?: string; storagePath?: string; filePath?: string; target?: string }> {
    const watcherArmId = parentId(captureArmId);
    const capture = await this.network(tenantId, watcherArmId).packetCaptures.get(resourceGroupOf(watcherArmId), nameOf(watcherArmId), nameOf(captureArmId), { abortSignal: signal });
    return {
      ...(capture.storageLocation?.storageId ? { storageId: capture.storageLocation.storageId } : {}),
      ...(capture.storageLocation?.storagePath ? { storagePath: capture.storageLocation.storagePath } : {}),
      ...(capture.storageLocation?.filePath ? { filePath: capture.storageLocation.filePath } : {}),
      ...(capture.target ? { target: capture.target } : {}),
    };
  }

  /** queryStatus (a long-running POST): Running, Stopped, NotStarted, Error or Unknown. */
  async status(captureArmId: string, tenantId: string, signal?: AbortSignal): Promise<CaptureStatus> {
    const watcherArmId = parentId(captureArmId);
    const result = await this.network(tenantId, watcherArmId).packetCaptures.beginGetStatusAndWait(resourceGroupOf(watcherArmId), nameOf(watcherArmId), nameOf(captureArmId), { abortSignal: signal });
    return {
      status: result.packetCaptureStatus ?? 'Unknown',
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      ...(result.captureStartTime ? { startTime: new Date(result.captureStartTime).toISOString() } : {}),
      errors: result.packetCaptureError ?? [],
    };
  }

  /** Stops a running capture (a long-running POST); the agent then uploads the file. */
  async stop(captureArmId: string, tenantId: string, signal?: AbortSignal): Promise<void> {
    const watcherArmId = parentId(captureArmId);
    await this.network(tenantId, watcherArmId).packetCaptures.beginStopAndWait(resourceGroupOf(watcherArmId), nameOf(watcherArmId), nameOf(captureArmId), { abortSignal: signal });
  }

  /** The network client of the subscription `armId` is in. */
  private network(tenantId: string, armId: string): NetworkManagementClient {
    return this.clients.network(tenantId, subscriptionOf(armId));
  }
}
