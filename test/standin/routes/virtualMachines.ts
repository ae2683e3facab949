import { createHash } from 'node:crypto';
import { ArmError, invalidRequest, resourceNotFound } from '../armErrors';
import type { Reply, RequestContext, Route } from '../http';
import { asObject, idKey, refId, type ArmResource, type ArmState, type JsonObject } from '../state';
import type { VirtualMachineSpec } from '../topology';
import { guestSockets, lastBytes, powerShellOutput, ssOutput } from '../guestSockets';
import type { OperationFailure } from '../operations';
import { types } from '../types';
import { page, requireResourceGroup, requireSubscription } from './common';
import { groupPath, subscriptionPath } from './paths';

const computePath = `${groupPath}/providers/Microsoft.Compute`;
export const vmPath = `${computePath}/virtualMachines/{vmName}`;
const base = { family: 'compute', resourceType: 'virtualMachines', namespace: 'Microsoft.Compute' } as const;
const extensionBase = { ...base, resourceType: 'virtualMachines/extensions' } as const;

export type PowerState = 'running' | 'deallocated' | 'deallocating' | 'starting';

/** Fields the stand-in keeps on a VM but never returns: the guest's power state. */
interface VmRuntime {
  powerState?: PowerState;
  osName?: string;
  /** False when the VM agent does not report Ready (the instance view says "Not Ready"). */
  agentReady?: boolean;
  /** A Run Command is running in the VM. */
  runCommandBusy?: boolean;
}

/** The Network Watcher agent extension as the portal installs it (`AzureNetworkWatcherExtension`). */
export const networkWatcherAgent = {
  name: 'AzureNetworkWatcherExtension',
  publisher: 'Microsoft.Azure.NetworkWatcher',
  typeFor: (osType: string) => (osType.toLowerCase() === 'windows' ? 'NetworkWatcherAgentWindows' : 'NetworkWatcherAgentLinux'),
  typeHandlerVersion: '1.4',
};

export function stableHex(text: string, length: number): string {
  return createHash('sha256').update(text.toLowerCase()).digest('hex').slice(0, length);
}

/**
 * Adds `nicId` to the VM `vmId`, creating the VM on first sight (shape of VirtualMachine_Get.json):
 * Linux or Windows image, OS disk, OS profile, running unless the spec says deallocated, and the
 * Network Watcher agent extension when the spec asks for it.
 */
export function seedVirtualMachine(state: ArmState, vmId: string, nicId: string, location: string, spec: VirtualMachineSpec): void {
  const existing = state.getTyped(types.virtualMachine, vmId);
  if (existing) {
    const profile = asObject(existing.properties.networkProfile);
    const nics = Array.isArray(profile.networkInterfaces) ? (profile.networkInterfaces as JsonObject[]) : [];
    nics.push({ id: nicId, properties: { primary: false } });
    profile.networkInterfaces = nics;
    return;
  }
  const name = vmId.split('/').at(-1) ?? vmId;
  const groupId = vmId.replace(/\/providers\/.*$/i, '');
  const osType = spec.osType ?? 'Linux';
  const isWindows = osType === 'Windows';
  const diskName = `${name}_OsDisk_1_${stableHex(vmId, 32)}`;
  const vm: ArmResource & VmRuntime = {
    id: vmId,
    name,
    type: types.virtualMachine,
    location,
    tags: {},
    etag: '"1"',
    powerState: spec.powerState ?? 'running',
    ...(spec.vmAgent === 'notReady' ? { agentReady: false } : {}),
    osName: isWindows ? 'Windows Server 2022 Datacenter Azure Edition' : 'ubuntu',
    properties: {
      vmId: `${stableHex(`${vmId}#vmid`, 8)}-${stableHex(`${vmId}#a`, 4)}-4${stableHex(`${vmId}#b`, 3)}-8${stableHex(`${vmId}#c`, 3)}-${stableHex(`${vmId}#d`, 12)}`,
      hardwareProfile: { vmSize: spec.vmSize ?? 'Standard_D2s_v5' },
      storageProfile: {
        imageReference: isWindows
          ? { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest', exactVersion: '20348.2762.241006' }
          : { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest', exactVersion: '24.04.202411030' },
        osDisk: {
          osType,
          name: diskName,
          createOption: 'FromImage',
          caching: 'ReadWrite',
          managedDisk: { storageAccountType: 'Premium_LRS', id: `${groupId}/providers/Microsoft.Compute/disks/${diskName}` },
          deleteOption: 'Delete',
          diskSizeGB: isWindows ? 127 : 30,
        },
        dataDisks: [],
        diskControllerType: 'SCSI',
      },
      osProfile: {
        computerName: name,
        adminUsername: 'azureuser',
        ...(isWindows
          ? { windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true, patchSettings: { patchMode: 'AutomaticByOS', assessmentMode: 'ImageDefault' } } }
          : { linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true, patchSettings: { patchMode: 'ImageDefault', assessmentMode: 'ImageDefault' } } }),
        secrets: [],
        allowExtensionOperations: true,
        requireGuestProvisionSignal: true,
      },
      securityProfile: { uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, securityType: 'TrustedLaunch' },
      networkProfile: { networkInterfaces: [{ id: nicId, properties: { primary: true } }] },
      ...(spec.availabilitySetId ? { availabilitySet: { id: spec.availabilitySetId } } : {}),
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      provisioningState: 'Succeeded',
      timeCreated: new Date(Date.UTC(2025, 1, 3, 10, 15)).toISOString(),
    },
  };
  state.put(vm);
  if (spec.availabilitySetId) {
    const set = state.getTyped(types.availabilitySet, spec.availabilitySetId);
    if (!set) {
      throw new Error(`Topology error: virtual machine ${vmId} refers to ${spec.availabilitySetId}, which is not in the topology.`);
    }
    (set.properties.virtualMachines as JsonObject[]).push({ id: vmId });
  }
  if (spec.networkWatcherAgent) {
    state.put(extensionResource(vm, networkWatcherAgent.name, {
      publisher: networkWatcherAgent.publisher,
      type: networkWatcherAgent.typeFor(osType),
      typeHandlerVersion: networkWatcherAgent.typeHandlerVersion,
      autoUpgradeMinorVersion: true,
      settings: {},
    }, 'Succeeded'));
  }
}

function extensionResource(vm: ArmResource, name: string, properties: JsonObject, provisioningState: string, location?: string): ArmResource {
  return {
    id: `${vm.id}/extensions/${name}`,
    name,
    type: types.virtualMachineExtension,
    location: location ?? vm.location,
    properties: { ...properties, provisioningState },
  };
}

export function vmOsType(vm: ArmResource): string {
  return String(asObject(asObject(vm.properties.storageProfile).osDisk).osType ?? 'Linux');
}

export function vmPowerState(vm: ArmResource): PowerState {
  return (vm as ArmResource & VmRuntime).powerState ?? 'running';
}

export function setPowerState(vm: ArmResource, powerState: PowerState): void {
  (vm as ArmResource & VmRuntime).powerState = powerState;
}

export function vmExtensions(state: ArmState, vm: ArmResource): ArmResource[] {
  return state.list(types.virtualMachineExtension, vm.id);
}

/** Whether the VM has a Network Watcher agent extension that finished provisioning. */
export function hasNetworkWatcherAgent(state: ArmState, vm: ArmResource): boolean {
  return vmExtensions(state, vm).some((extension) =>
    String(extension.properties.publisher ?? '').toLowerCase() === networkWatcherAgent.publisher.toLowerCase()
    && String(extension.properties.type ?? '').toLowerCase().startsWith('networkwatcheragent')
    && extension.properties.provisioningState === 'Succeeded');
}

function extensionView(extension: ArmResource): ArmResource {
  return structuredClone(extension);
}

function statusesFor(vm: ArmResource): JsonObject[] {
  const power = vmPowerState(vm);
  const display: Record<PowerState, string> = { running: 'VM running', deallocated: 'VM deallocated', deallocating: 'VM deallocating', starting: 'VM starting' };
  return [
    { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: String(vm.properties.timeCreated) },
    { code: `PowerState/${power}`, level: 'Info', displayStatus: display[power] },
  ];
}

/** The instance view (shape of VirtualMachine_Get_InstanceView.json); a deallocated VM has no agent status. */
export function instanceView(state: ArmState, vm: ArmResource): JsonObject {
  const runtime = vm as ArmResource & VmRuntime;
  const running = vmPowerState(vm) === 'running';
  const extensions = vmExtensions(state, vm);
  const osDisk = asObject(asObject(vm.properties.storageProfile).osDisk);
  const view: JsonObject = {
    computerName: vm.name,
    osName: runtime.osName,
    osVersion: vmOsType(vm) === 'Windows' ? 'Microsoft Windows NT 10.0.20348.0' : '24.04',
    hyperVGeneration: 'V2',
    disks: [{ name: osDisk.name, statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: String(vm.properties.timeCreated) }] }],
    bootDiagnostics: {},
    isVMInStandbyPool: false,
    statuses: statusesFor(vm),
  };
  if (running && runtime.agentReady === false) {
    // What the instance view shows when the guest agent stopped reporting.
    view.vmAgent = {
      vmAgentVersion: 'Unknown',
      statuses: [{ code: 'ProvisioningState/Unavailable', level: 'Warning', displayStatus: 'Not Ready', message: 'VM Agent is unresponsive.', time: new Date().toISOString() }],
    };
  } else if (running) {
    view.vmAgent = {
      vmAgentVersion: vmOsType(vm) === 'Windows' ? '2.7.41491.1149' : '2.11.1.12',
      statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready', message: 'GuestAgent is running and processing the extensions.', time: new Date().toISOString() }],
      extensionHandlers: extensions.map((extension) => ({
        type: `${String(extension.properties.publisher)}.${String(extension.properties.type)}`,
        typeHandlerVersion: extension.properties.typeHandlerVersion,
        status: { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready' },
      })),
    };
    view.extensions = extensions.map((extension) => ({
      name: extension.name,
      type: `${String(extension.properties.publisher)}.${String(extension.properties.type)}`,
      typeHandlerVersion: extension.properties.typeHandlerVersion,
      statuses: [{ code: `ProvisioningState/${String(extension.properties.provisioningState).toLowerCase()}`, level: 'Info', displayStatus: 'Provisioning succeeded', message: 'Enable succeeded' }],
    }));
  }
  return view;
}

export function vmView(context: RequestContext, vm: ArmResource, withInstanceView: boolean): JsonObject {
  const { powerState: _power, osName: _os, agentReady: _agent, runCommandBusy: _busy, ...stored } = vm as ArmResource & VmRuntime;
  const copy = structuredClone(stored) as ArmResource;
  if (withInstanceView) {
    copy.properties.instanceView = instanceView(context.core.state, vm);
  }
  const extensions = vmExtensions(context.core.state, vm);
  if (extensions.length > 0) {
    copy.resources = extensions.map(extensionView);
  }
  return copy;
}

function requireVm(context: RequestContext): ArmResource {
  const group = requireResourceGroup(context);
  const vm = context.core.state.getTyped(types.virtualMachine, `${group.id}/providers/Microsoft.Compute/virtualMachines/${context.params.vmName}`);
  if (!vm) {
    throw resourceNotFound(types.virtualMachine, context.params.vmName, context.params.resourceGroupName);
  }
  return vm;
}

function requireRunningForExtensions(vm: ArmResource): void {
  if (vmPowerState(vm) !== 'running') {
    throw new ArmError(409, 'OperationNotAllowed', `Cannot modify extensions in the VM '${vm.name}' when the VM is not running.`, { target: 'vmExtension' });
  }
}

/**
 * Starts a compute long-running operation. Compute answers with `Azure-AsyncOperation` and
 * `Location` under `providers/Microsoft.Compute/locations/{region}/operations/{id}`; the Location
 * variant carries `monitor=true`.
 */
export function startComputeOperation(context: RequestContext, location: string, onSucceeded: () => void, onFailed?: () => void, outcome: { failure?: OperationFailure; result?: () => unknown } = {}): Record<string, string> {
  const fault = context.core.faults.take('failOperation', context.method, context.path);
  const operation = context.core.operations.start({
    failure: fault ? { code: fault.code ?? 'InternalExecutionError', message: fault.message ?? 'An internal execution error occurred. Please retry later.' } : outcome.failure,
    onSucceeded,
    onFailed,
    ...(outcome.result ? { result: outcome.result } : {}),
  });
  const url = `${context.core.baseUrl}/subscriptions/${context.params.subscriptionId}/providers/Microsoft.Compute/locations/${location}/operations/${operation.id}`;
  return {
    'Azure-AsyncOperation': `${url}?p=${stableHex(operation.id, 16)}&api-version=${context.apiVersion}`,
    Location: `${url}?p=${stableHex(operation.id, 16)}&monitor=true&api-version=${context.apiVersion}`,
    ...(context.core.lroRetryAfterSeconds === undefined ? {} : { 'Retry-After': String(context.core.lroRetryAfterSeconds) }),
  };
}

/**
 * Starting a VM whose NIC got accelerated networking while it ran: the VM must land on hardware
 * that has it, and a VM of an availability set can only move when every VM of the set is
 * deallocated (https://learn.microsoft.com/azure/virtual-network/accelerated-networking-how-to,
 * "Enable on existing VMs"). Otherwise Compute refuses with
 * `ExistingAvailabilitySetWasNotDeployedOnAcceleratedNetworkingEnabledCluster` (the code named in
 * MicrosoftDocs/azure-docs#10536; the status and message are ours).
 */
function checkAcceleratedNetworkingPlacement(context: RequestContext, vm: ArmResource): void {
  const setId = refId(vm.properties.availabilitySet);
  const set = setId ? context.core.state.getTyped(types.availabilitySet, setId) : undefined;
  if (!set || set.onAcceleratedNetworkingHardware === true) {
    return;
  }
  const nicIds = (asObject(vm.properties.networkProfile).networkInterfaces as JsonObject[] | undefined ?? []).map((nic) => String(nic.id));
  const accelerated = nicIds.some((nicId) => context.core.state.getTyped(types.networkInterface, nicId)?.properties.enableAcceleratedNetworking === true);
  if (!accelerated) {
    return;
  }
  const members = (set.properties.virtualMachines as JsonObject[] | undefined ?? []).map((member) => context.core.state.getTyped(types.virtualMachine, String(member.id)));
  const stillAllocated = members.filter((member): member is ArmResource => member !== undefined && idKey(member.id) !== idKey(vm.id) && vmPowerState(member) !== 'deallocated');
  if (stillAllocated.length > 0) {
    throw new ArmError(409, 'ExistingAvailabilitySetWasNotDeployedOnAcceleratedNetworkingEnabledCluster', `Virtual machine ${vm.name} cannot be started with accelerated networking: availability set ${set.name} is not on hardware with accelerated networking, and it can only move when all of its virtual machines are deallocated. Still allocated: ${stillAllocated.map((member) => member.name).join(', ')}.`);
  }
  set.onAcceleratedNetworkingHardware = true;
}

function powerAction(context: RequestContext, during: PowerState, after: PowerState): Reply {
  const vm = requireVm(context);
  if (after === 'running' && vmPowerState(vm) === 'deallocated') {
    checkAcceleratedNetworkingPlacement(context, vm);
  }
  const before = vmPowerState(vm);
  if (before !== after) {
    setPowerState(vm, during);
  }
  const headers = startComputeOperation(context, String(vm.location), () => setPowerState(vm, after), () => setPowerState(vm, before));
  return { status: 202, headers };
}

export const virtualMachineRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.Compute/virtualMachines`,
    handle: (context) => pagedVms(context, context.core.state.list(types.virtualMachine, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${computePath}/virtualMachines`,
    handle: (context) => pagedVms(context, context.core.state.list(types.virtualMachine, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: vmPath,
    handle: (context) => ({ status: 200, body: vmView(context, requireVm(context), (context.query.get('$expand') ?? '').toLowerCase() === 'instanceview') }),
  },
  {
    ...base,
    method: 'GET',
    template: `${vmPath}/instanceView`,
    handle: (context) => ({ status: 200, body: instanceView(context.core.state, requireVm(context)) }),
  },
  { ...base, method: 'POST', template: `${vmPath}/deallocate`, handle: (context) => powerAction(context, 'deallocating', 'deallocated') },
  { ...base, method: 'POST', template: `${vmPath}/runCommand`, handle: (context) => runCommand(context) },
  { ...base, method: 'POST', template: `${vmPath}/start`, handle: (context) => powerAction(context, 'starting', 'running') },
  {
    ...extensionBase,
    method: 'GET',
    template: `${vmPath}/extensions`,
    // VirtualMachineExtensions_List is not pageable: one `value` array.
    handle: (context) => ({ status: 200, body: { value: vmExtensions(context.core.state, requireVm(context)).map(extensionView) } }),
  },
  {
    ...extensionBase,
    method: 'GET',
    template: `${vmPath}/extensions/{vmExtensionName}`,
    handle: (context) => {
      const vm = requireVm(context);
      const extension = context.core.state.getTyped(types.virtualMachineExtension, `${vm.id}/extensions/${context.params.vmExtensionName}`);
      if (!extension) {
        throw new ArmError(404, 'NotFound', `The entity was not found in this Azure location.`, { target: context.params.vmExtensionName });
      }
      return { status: 200, body: extensionView(extension) };
    },
  },
  {
    ...extensionBase,
    method: 'PUT',
    template: `${vmPath}/extensions/{vmExtensionName}`,
    handle: (context) => {
      const { state } = context.core;
      const vm = requireVm(context);
      const properties = asObject(context.body.properties);
      for (const field of ['publisher', 'type', 'typeHandlerVersion']) {
        if (typeof properties[field] !== 'string' || properties[field] === '') {
          throw invalidRequest('InvalidParameter', `Required parameter '${field}' is missing (null).`);
        }
      }
      requireRunningForExtensions(vm);
      const id = `${vm.id}/extensions/${context.params.vmExtensionName}`;
      const existing = state.getTyped(types.virtualMachineExtension, id);
      const location = typeof context.body.location === 'string' ? context.body.location : vm.location;
      const { provisioningState: _ignored, ...requested } = properties;
      const extension = extensionResource(vm, existing?.name ?? context.params.vmExtensionName, requested, existing ? 'Updating' : 'Creating', location);
      state.put(extension);
      const previous = existing ? structuredClone(existing) : undefined;
      const headers = startComputeOperation(context, String(vm.location), () => {
        extension.properties.provisioningState = 'Succeeded';
      }, () => {
        if (previous) {
          state.put(previous);
        } else {
          extension.properties.provisioningState = 'Failed';
        }
      });
      return { status: existing ? 200 : 201, body: extensionView(extension), headers };
    },
  },
  {
    ...extensionBase,
    method: 'DELETE',
    template: `${vmPath}/extensions/{vmExtensionName}`,
    handle: (context) => {
      const { state } = context.core;
      const vm = requireVm(context);
      const extension = state.getTyped(types.virtualMachineExtension, `${vm.id}/extensions/${context.params.vmExtensionName}`);
      if (!extension) {
        return { status: 204 };
      }
      requireRunningForExtensions(vm);
      const previous = extension.properties.provisioningState;
      extension.properties.provisioningState = 'Deleting';
      const headers = startComputeOperation(context, String(vm.location), () => {
        state.delete(extension.id);
      }, () => {
        extension.properties.provisioningState = previous;
      });
      return { status: 202, headers };
    },
  },
  {
    ...base,
    resourceType: 'locations/operations',
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.Compute/locations/{location}/operations/{operationId}`,
    handle: (context) => {
      requireSubscription(context);
      const operation = context.core.operations.poll(context.params.operationId);
      if (!operation) {
        throw new ArmError(404, 'NotFound', `Operation ${context.params.operationId} was not found.`);
      }
      if (context.query.get('monitor') === 'true') {
        if (operation.status === 'InProgress') {
          return { status: 202, headers: { Location: `${context.core.baseUrl}${context.path}?${context.query.toString()}` } };
        }
        if (operation.status === 'Failed' && operation.failure) {
          throw new ArmError(500, operation.failure.code, operation.failure.message);
        }
        return operation.result ? { status: 200, body: operation.result() } : { status: 200 };
      }
      const body: JsonObject = { startTime: operation.startTime, status: operation.status, name: operation.id };
      if (operation.endTime) {
        body.endTime = operation.endTime;
      }
      if (operation.status === 'Failed' && operation.failure) {
        body.error = { code: operation.failure.code, message: operation.failure.message };
      }
      return { status: 200, body };
    },
  },
];

function pagedVms(context: RequestContext, vms: ArmResource[]): Reply {
  const reply = page(context, vms);
  const body = reply.body as JsonObject;
  const byKey = new Map(vms.map((vm) => [idKey(vm.id), vm]));
  body.value = (body.value as ArmResource[]).map((item) => vmView(context, byKey.get(idKey(item.id)) ?? item, false));
  return reply;
}

/** The built-in commands Run Command (action) offers per OS (https://learn.microsoft.com/azure/virtual-machines/linux/run-command and …/windows/run-command, "Available commands"). */
const runCommandIds: Record<'Linux' | 'Windows', string[]> = {
  Linux: ['RunShellScript', 'ifconfig'],
  Windows: ['RunPowerShellScript', 'EnableAdminAccount', 'EnableEMS', 'EnableRemotePS', 'IPConfig', 'RDPSettings', 'ResetRDPCert', 'SetRDPPort', 'DisableNLA', 'DisableWindowsUpdate', 'EnableWindowsUpdate'],
};

/**
 * POST `…/virtualMachines/{vm}/runCommand` (Run Command, action). A command id the VM's OS does not
 * offer is "not found in this Azure location" (the documented answer for an unavailable command);
 * a VM that is not running is refused with 409 `OperationNotAllowed`, as Compute refuses
 * operations that need a running VM (MicrosoftDocs/azure-docs#32404); a second run while one is in
 * progress is 409 `Conflict` (Azure/azure-cli#19137); a VM whose agent is not ready accepts the
 * request and the operation fails with `VMAgentStatusCommunicationError`. Otherwise the operation
 * ends with `RunCommandResult`: Linux one `ProvisioningState/succeeded` entry with `[stdout]` and
 * `[stderr]` in its message, Windows `ComponentStatus/StdOut/succeeded` and
 * `ComponentStatus/StdErr/succeeded` (VirtualMachineRunCommand.json). Only the snapshot commands
 * print something; another script runs and prints nothing.
 */
function runCommand(context: RequestContext): Reply {
  const vm = requireVm(context) as ArmResource & VmRuntime;
  const os = vmOsType(vm) === 'Windows' ? 'Windows' : 'Linux';
  const commandId = String(context.body.commandId ?? '');
  if (!runCommandIds[os].some((id) => id.toLowerCase() === commandId.toLowerCase())) {
    throw new ArmError(404, 'NotFound', 'The entity was not found in this Azure location.', { target: 'commandId' });
  }
  if (vmPowerState(vm) !== 'running') {
    throw new ArmError(409, 'OperationNotAllowed', 'The operation requires the VM to be running (or set to run).');
  }
  if (vm.runCommandBusy === true) {
    throw new ArmError(409, 'Conflict', 'Run command extension execution is in progress. Please wait for completion before invoking a run command.');
  }
  const script = Array.isArray(context.body.script) ? (context.body.script as unknown[]).map(String).join('\n') : '';
  const failure: OperationFailure | undefined = vm.agentReady === false
    ? { code: 'VMAgentStatusCommunicationError', message: `VM '${vm.name}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the VM has a running VM agent, and that it can establish outbound connections to Azure storage. Please refer to https://aka.ms/vmextensionlinuxtroubleshoot for additional VM agent troubleshooting information.` }
    : undefined;
  vm.runCommandBusy = true;
  const done = (): void => {
    vm.runCommandBusy = false;
  };
  const headers = startComputeOperation(context, String(vm.location), done, done, {
    ...(failure ? { failure } : {}),
    result: () => {
      const { state } = context.core;
      const sockets = guestSockets(state, vm, os === 'Windows');
      const printsSockets = os === 'Windows' ? /Get-NetTCPConnection/.test(script) : /\bss\s+-[a-zA-Z]*t/.test(script);
      const stdout = printsSockets ? lastBytes(os === 'Windows' ? powerShellOutput(sockets) : ssOutput(sockets)) : '';
      if (os === 'Windows') {
        return {
          value: [
            { code: 'ComponentStatus/StdOut/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: stdout },
            { code: 'ComponentStatus/StdErr/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: '' },
          ],
        };
      }
      return { value: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: `Enable succeeded: \n[stdout]\n${stdout}\n\n[stderr]\n` }] };
    },
  });
  return { status: 202, headers };
}
