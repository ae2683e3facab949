import { generatePcap } from '../../fixtures/pcapGenerator';
import { ArmError, invalidRequest } from '../armErrors';
import type { Reply, RequestContext, Route } from '../http';
import { asObject, refId, type ArmResource, type JsonObject } from '../state';
import { types } from '../types';
import { bodyProperties, childId, findChild, registerComposer, requireChild, requireString, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';
import { isPremiumStorage } from './storageAccounts';
import { hasNetworkWatcherAgent, vmOsType, vmPowerState } from './virtualMachines';

const base = { family: 'network', resourceType: 'networkWatchers/packetCaptures', namespace: 'Microsoft.Network' } as const;
const capturesPath = `${networkPath}/networkWatchers/{networkWatcherName}/packetCaptures`;

/** The container and blob name Network Watcher uploads a capture to (lower-cased VM path, UTC start time). */
export function captureBlobName(vmId: string, started: Date): string {
  const pad = (value: number, length = 2) => String(value).padStart(length, '0');
  const day = `${started.getUTCFullYear()}/${pad(started.getUTCMonth() + 1)}/${pad(started.getUTCDate())}`;
  const time = `${pad(started.getUTCHours())}_${pad(started.getUTCMinutes())}_${pad(started.getUTCSeconds())}_${pad(started.getUTCMilliseconds(), 3)}`;
  return `${vmId.replace(/^\//, '').toLowerCase()}/${day}/packetcapture_${time}.cap`;
}

export const captureContainer = 'network-watcher-logs';

/**
 * Writes the capture's `.cap` blob once (a generated pcap starting at the capture's start time, from
 * the VM's first NIC address), when the capture stops by request or by its time limit.
 */
function uploadCapture(context: RequestContext, capture: ArmResource): void {
  const storage = context.core.captureStorage;
  const location = asObject(capture.properties.storageLocation);
  if (capture.uploaded || !storage || typeof location.storageId !== 'string' || typeof capture.blobName !== 'string') {
    return;
  }
  capture.uploaded = true;
  const vm = context.core.state.getTyped(types.virtualMachine, String(capture.properties.target));
  const nicId = refId(asObject(vm?.properties.networkProfile).networkInterfaces && (asObject(vm?.properties.networkProfile).networkInterfaces as unknown[])[0]);
  const nic = nicId ? context.core.state.getTyped(types.networkInterface, nicId) : undefined;
  const ipConfiguration = asObject((nic?.properties.ipConfigurations as JsonObject[] | undefined)?.[0]);
  const localIp = asObject(ipConfiguration.properties).privateIPAddress;
  const { bytes } = generatePcap({
    start: typeof capture.captureStartTime === 'string' ? new Date(capture.captureStartTime) : new Date(),
    snapLength: Number(capture.properties.bytesToCapturePerPacket ?? 0),
    ...(typeof localIp === 'string' ? { localIp } : {}),
  });
  storage.write(location.storageId, captureContainer, capture.blobName, bytes).catch((error: unknown) => {
    capture.uploadError = error instanceof Error ? error.message : String(error);
  });
}

/** Capture progress: running from creation until stopped or until its time limit passes. */
function captureStatus(capture: ArmResource, now = Date.now()): Record<string, unknown> {
  const started = typeof capture.captureStartTime === 'string' ? Date.parse(capture.captureStartTime) : now;
  const limit = Number(capture.properties.timeLimitInSeconds ?? 18000);
  let status = capture.properties.provisioningState === 'Succeeded' ? 'Running' : 'NotStarted';
  let stopReason = '';
  if (capture.stoppedBy === 'user') {
    status = 'Stopped';
    stopReason = 'Manual';
  } else if (status === 'Running' && limit > 0 && now - started >= limit * 1000) {
    status = 'Stopped';
    stopReason = 'TimeExceeded';
  }
  return {
    name: capture.name,
    id: capture.id,
    captureStartTime: new Date(started).toISOString(),
    packetCaptureStatus: status,
    stopReason,
    packetCaptureError: capture.uploadError ? ['StorageFailed'] : [],
  };
}

/** The stand-in's own bookkeeping, and `type`, which PacketCaptureResult does not define (Azure sends none). */
function hideRuntimeFields(capture: ArmResource): ArmResource {
  const copy: Partial<ArmResource> = { ...capture };
  for (const key of ['captureStartTime', 'stoppedBy', 'blobName', 'uploaded', 'uploadError', 'type']) {
    delete copy[key];
  }
  return copy as ArmResource;
}

registerComposer(types.packetCapture, (capture) => hideRuntimeFields(capture));

/** Settles a capture whose time limit has passed: it stops and uploads, as the agent does. */
function settle(context: RequestContext, capture: ArmResource): Record<string, unknown> {
  const status = captureStatus(capture);
  if (status.packetCaptureStatus === 'Stopped') {
    uploadCapture(context, capture);
  }
  return status;
}

/**
 * A POST action answered as the spec declares it (`final-state-via: location`): 202 with
 * `Azure-AsyncOperation` and `Location`; the Location poll answers `result()` once done.
 */
function startAction(context: RequestContext, watcher: ArmResource, onSucceeded: () => void, result?: () => unknown): Reply {
  const fault = context.core.faults.take('failOperation', context.method, context.path);
  const operation = context.core.operations.start({
    failure: fault ? { code: fault.code ?? 'InternalServerError', message: fault.message ?? 'An error occurred.' } : undefined,
    onSucceeded,
    result: result ?? (() => ({})),
  });
  const base = `${context.core.baseUrl}/subscriptions/${context.params.subscriptionId}/providers/Microsoft.Network/locations/${String(watcher.location)}`;
  return {
    status: 202,
    headers: {
      'Azure-AsyncOperation': `${base}/operations/${operation.id}?api-version=${context.apiVersion}`,
      Location: `${base}/operationResults/${operation.id}?api-version=${context.apiVersion}`,
      ...(context.core.lroRetryAfterSeconds === undefined ? {} : { 'Retry-After': String(context.core.lroRetryAfterSeconds) }),
    },
  };
}

/**
 * Not confirmed against a public ARM answer (the rules are documented, the codes are ours). Microsoft
 * Learn, "Manage packet captures for virtual machines - Azure portal" (packet-capture-vm-portal.md):
 * Network Watcher runs in the virtual machine's region, the storage account is a Standard one
 * ("Premium storage accounts are currently not supported for storing packet captures"), and the
 * capture is written to the VM region's storage account, as the portal offers only those.
 */
export const captureWatcherRegionCode = 'PacketCaptureWatcherLocationMismatch';
export const captureStorageRegionCode = 'PacketCaptureStorageAccountLocationMismatch';
export const capturePremiumStorageCode = 'PacketCapturePremiumStorageAccountNotSupported';

/** The watcher and the storage account must be in the VM's region, and the account a standard one. */
function checkRegions(id: string, watcher: ArmResource, vm: ArmResource, account: ArmResource | undefined): void {
  const region = (vm.location ?? '').toLowerCase();
  if ((watcher.location ?? '').toLowerCase() !== region) {
    throw invalidRequest(captureWatcherRegionCode, `Packet capture ${id} cannot start: network watcher ${watcher.name} is in '${String(watcher.location)}' but virtual machine ${vm.name} is in '${String(vm.location)}'. Use the network watcher of the virtual machine's region.`);
  }
  if (!account) {
    return;
  }
  if ((account.location ?? '').toLowerCase() !== region) {
    throw invalidRequest(captureStorageRegionCode, `Storage account ${account.id} is in '${String(account.location)}' but virtual machine ${vm.name} is in '${String(vm.location)}'. The storage account of packet capture ${id} must be in the virtual machine's region.`);
  }
  if (isPremiumStorage(account)) {
    throw invalidRequest(capturePremiumStorageCode, `Storage account ${account.id} (${String(asObject(account.sku).name ?? 'Premium')}, ${String(account.kind ?? '')}) cannot store packet capture ${id}: premium storage accounts are not supported for packet captures; use a standard account.`);
  }
}

/** Refuses a capture Network Watcher could not start: unknown, stopped or agent-less VM, bad file path. */
function checkTarget(context: RequestContext, id: string, properties: JsonObject): ArmResource | undefined {
  const target = String(properties.target);
  if (!/\/providers\/Microsoft\.Compute\/virtualMachines\/[^/]+$/i.test(target)) {
    return undefined;
  }
  const vm = context.core.state.getTyped(types.virtualMachine, target);
  if (!vm) {
    throw invalidRequest('InvalidResourceReference', `Resource ${target} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
  }
  if (vmPowerState(vm) !== 'running') {
    throw invalidRequest('VirtualMachineNotRunning', `Packet capture ${id} cannot start: virtual machine ${vm.name} is not running (power state ${vmPowerState(vm)}).`);
  }
  if (!hasNetworkWatcherAgent(context.core.state, vm)) {
    throw invalidRequest('NetworkWatcherAgentNotInstalled', `Packet capture ${id} cannot start: virtual machine ${vm.name} has no Network Watcher agent extension (Microsoft.Azure.NetworkWatcher). Install it first.`);
  }
  const filePath = asObject(properties.storageLocation).filePath;
  if (typeof filePath === 'string') {
    const linux = vmOsType(vm) !== 'Windows';
    const valid = linux ? /^\/var\/captures\/.+\.cap$/i.test(filePath) : /^[a-z]:\\.+\.cap$/i.test(filePath);
    if (!valid) {
      throw invalidRequest('InvalidRequestFormat', `Cannot parse the request. storageLocation.filePath '${filePath}' of packet capture ${id} must be ${linux ? 'under /var/captures' : 'a local Windows path such as D:\\captures\\x.cap'} and end in .cap.`);
    }
  }
  return vm;
}

export const packetCaptureRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: capturesPath,
    // PacketCaptures_List declares no paging (nextLinkName: null).
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return { status: 200, body: { value: context.core.state.list(types.packetCapture, watcher.id).map((capture) => hideRuntimeFields(view(capture, context))) } };
    },
  },
  {
    ...base,
    method: 'GET',
    template: `${capturesPath}/{packetCaptureName}`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return { status: 200, body: hideRuntimeFields(view(requireChild(context, watcher, types.packetCapture, 'packetCaptureName'), context)) };
    },
  },
  {
    ...base,
    method: 'PUT',
    template: `${capturesPath}/{packetCaptureName}`,
    handle: (context) => {
      const { state } = context.core;
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      const existing = findChild(context, watcher, types.packetCapture, 'packetCaptureName');
      const id = childId(watcher, types.packetCapture, context.params.packetCaptureName);
      if (existing) {
        throw new ArmError(409, 'PacketCaptureAlreadyExists', `Packet capture ${existing.id} already exists. Delete it before creating another one with the same name.`);
      }
      const properties = bodyProperties(context);
      requireString(properties, 'target', id);
      const storageLocation = asObject(properties.storageLocation);
      if (typeof storageLocation.storageId !== 'string' && typeof storageLocation.filePath !== 'string' && typeof storageLocation.localPath !== 'string') {
        throw invalidRequest('InvalidRequestFormat', `Cannot parse the request. Packet capture ${id} needs storageLocation.storageId or storageLocation.filePath.`);
      }
      const account = typeof storageLocation.storageId === 'string' ? state.getTyped(types.storageAccount, storageLocation.storageId) : undefined;
      if (typeof storageLocation.storageId === 'string' && !account) {
        throw invalidRequest('InvalidResourceReference', `Resource ${storageLocation.storageId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      }
      const vm = checkTarget(context, id, properties);
      if (vm) {
        checkRegions(id, watcher, vm, account);
      }
      const started = new Date();
      // Network Watcher chooses the blob path; a storagePath the client sent is echoed and nothing is uploaded.
      const blobName = vm && account && typeof storageLocation.storagePath !== 'string' ? captureBlobName(vm.id, started) : undefined;
      if (blobName && account) {
        const blobEndpoint = String(asObject(account.properties.primaryEndpoints).blob ?? `https://${account.name}.blob.core.windows.net/`);
        storageLocation.storagePath = `${blobEndpoint.replace(/\/?$/, '/')}${captureContainer}/${blobName}`;
        properties.storageLocation = storageLocation;
      }
      const resource: ArmResource = {
        id,
        name: context.params.packetCaptureName,
        type: types.packetCapture,
        properties: {
          bytesToCapturePerPacket: 0,
          totalBytesPerSession: 1073741824,
          timeLimitInSeconds: 18000,
          filters: [],
          ...properties,
        },
        ...(blobName ? { blobName } : {}),
      };
      return startPut(context, resource, {
        existed: false,
        onSucceeded: () => {
          resource.captureStartTime = started.toISOString();
        },
      });
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${capturesPath}/{packetCaptureName}`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return startDelete(context, findChild(context, watcher, types.packetCapture, 'packetCaptureName'));
    },
  },
  {
    ...base,
    method: 'POST',
    template: `${capturesPath}/{packetCaptureName}/queryStatus`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      const capture = requireChild(context, watcher, types.packetCapture, 'packetCaptureName');
      return startAction(context, watcher, () => undefined, () => settle(context, capture));
    },
  },
  {
    ...base,
    method: 'POST',
    template: `${capturesPath}/{packetCaptureName}/stop`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      const capture = requireChild(context, watcher, types.packetCapture, 'packetCaptureName');
      return startAction(context, watcher, () => {
        if (captureStatus(capture).packetCaptureStatus === 'Running') {
          capture.stoppedBy = 'user';
        }
        uploadCapture(context, capture);
      });
    },
  },
];
