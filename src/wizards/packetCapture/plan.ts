/**
 * The packet-capture plan: a pure function of the answers and the facts read from Azure. Actions
 * run in this order: NetworkWatcherRG, the region's network watcher, the Network Watcher agent
 * extension on the VM, then the capture (body per NetworkWatcherPacketCaptureCreate.json).
 */
import { nameOf } from '../../azure/armIds';
import { formatBytes } from '../../core/quantities';
import { ActionList } from '../shared/actionList';
import { computeApiVersion, networkApiVersion } from '../shared/apiVersions';
import { addWatcher, addWatcherGroup, defaultWatcherArmId, defaultWatcherName, watcherResourceGroup } from '../shared/networkWatcher';
import type { Plan, PlanCheck } from '../../core/plan';
import {
  agentExtension,
  type CaptureAnswers,
  type CaptureFacts,
  type CaptureFilter,
} from './captureFacts';
import { checkCaptureStorageTier, checkNameFree, checkStorageRegion, checkVmRunning, findAgent, validateCaptureName, validateFilePath } from './checks';

/** The filter objects the API takes: empty fields left out, `Any` as no protocol. */
export function filterBodies(filters: readonly CaptureFilter[]): Array<Record<string, string>> {
  return filters.map((filter) => {
    const body: Record<string, string> = {};
    if (filter.protocol !== 'Any') {
      body.protocol = filter.protocol;
    }
    for (const key of ['localIPAddress', 'remoteIPAddress', 'localPort', 'remotePort'] as const) {
      const value = filter[key]?.trim();
      if (value) {
        body[key] = value;
      }
    }
    return body;
  }).filter((body) => Object.keys(body).length > 0);
}

function describeFilters(filters: readonly CaptureFilter[]): string {
  const bodies = filterBodies(filters);
  if (bodies.length === 0) {
    return 'all traffic';
  }
  return bodies.map((body) => [
    body.protocol ?? 'any protocol',
    body.localIPAddress ? `local ${body.localIPAddress}` : undefined,
    body.localPort ? `local port ${body.localPort}` : undefined,
    body.remoteIPAddress ? `remote ${body.remoteIPAddress}` : undefined,
    body.remotePort ? `remote port ${body.remotePort}` : undefined,
  ].filter(Boolean).join(', ')).join('; ');
}

/** Builds the plan; checks that fail leave the plan refused (shown without Apply). */
export function planPacketCapture(answers: CaptureAnswers, facts: CaptureFacts): Plan {
  const { vm } = facts;
  const list = new ActionList();
  const checks: PlanCheck[] = [];
  const warnings: string[] = [];

  checks.push(checkVmRunning(vm));

  const nameProblem = validateCaptureName(answers.name);
  if (nameProblem) {
    checks.push({ id: 'captureNameValid', title: 'Capture name', status: 'failed', detail: `${answers.name}: ${nameProblem}` });
  }
  const wantsStorage = answers.destination !== 'file';
  const wantsFile = answers.destination !== 'storage';
  if (wantsFile) {
    const problem = validateFilePath(answers.filePath ?? '', vm.osType);
    checks.push({
      id: 'filePath',
      title: 'File path on the VM',
      status: problem ? 'failed' : 'passed',
      detail: problem ? `${answers.filePath ?? '(none)'} on ${vm.name} (${vm.osType}): ${problem}` : `${answers.filePath ?? ''} is a valid ${vm.osType} path on ${vm.name}.`,
    });
  }
  const storage = wantsStorage ? facts.storageAccounts.find((account) => account.armId.toLowerCase() === (answers.storageArmId ?? '').toLowerCase()) : undefined;
  if (wantsStorage) {
    checks.push(checkStorageRegion(vm, storage, answers.storageArmId));
    if (storage) {
      checks.push(checkCaptureStorageTier(storage));
    }
  }

  // Network Watcher in the VM's region (created as Azure does: NetworkWatcher_<region> in NetworkWatcherRG).
  const watcherDependsOn: string[] = [];
  let watcherArmId = facts.watcher?.armId;
  let watcherName = facts.watcher?.name ?? defaultWatcherName(vm.location);
  if (facts.watcher) {
    checks.push({ id: 'networkWatcher', title: 'Network Watcher in the region', status: 'passed', detail: `${facts.watcher.name} watches ${vm.location} in ${facts.subscriptionName}.` });
  } else {
    const fixes: string[] = [];
    const place = { subscriptionId: vm.subscriptionId, subscriptionName: facts.subscriptionName, tenantId: vm.tenantId, location: vm.location };
    if (facts.watcherGroupLocation === undefined) {
      const group = addWatcherGroup(list, place);
      fixes.push(group.id);
      watcherDependsOn.push(group.id);
    }
    const watcher = addWatcher(list, place, [...watcherDependsOn]);
    watcherArmId = watcher.resourceId;
    watcherName = defaultWatcherName(vm.location);
    fixes.push(watcher.id);
    watcherDependsOn.push(watcher.id);
    checks.push({
      id: 'networkWatcher',
      title: 'Network Watcher in the region',
      status: 'fixed',
      detail: `No network watcher in ${vm.location} in ${facts.subscriptionName}: ${watcherName} will be created in ${watcherResourceGroup}.`,
      fixedBy: fixes,
    });
  }

  // The agent extension: installed first when missing or broken.
  const captureDependsOn = [...watcherDependsOn];
  const agent = findAgent(vm);
  if (agent && agent.provisioningState === 'Succeeded') {
    checks.push({ id: 'agent', title: 'Network Watcher agent on the VM', status: 'passed', detail: `${vm.name} has ${agent.name} (${agent.type}).` });
  } else {
    const extensionName = agent?.name ?? agentExtension.name;
    const type = agentExtension.typeFor(vm.osType);
    const extension = list.add({
      kind: 'put',
      title: `Install the Network Watcher agent (${type}) on ${vm.name}`,
      resourceId: `${vm.armId}/extensions/${extensionName}`,
      resourceType: 'Microsoft.Compute/virtualMachines/extensions',
      apiVersion: computeApiVersion,
      body: {
        location: vm.location,
        properties: {
          publisher: agentExtension.publisher,
          type,
          typeHandlerVersion: agentExtension.typeHandlerVersion,
          autoUpgradeMinorVersion: true,
        },
      },
      dependsOn: [],
      tenantId: vm.tenantId,
      existing: agent ? 'differs' : 'absent',
      impact: `Installs a VM extension on ${vm.name}; the VM keeps running.`,
    });
    captureDependsOn.push(extension.id);
    checks.push({
      id: 'agent',
      title: 'Network Watcher agent on the VM',
      status: 'fixed',
      detail: agent
        ? `${agent.name} on ${vm.name} is ${agent.provisioningState}: it will be installed again.`
        : `${vm.name} has no Network Watcher agent extension: ${type} ${agentExtension.typeHandlerVersion} will be installed before the capture starts.`,
      fixedBy: [extension.id],
    });
  }

  const nameCheck = checkNameFree(facts.existingCapture, answers, watcherName);
  checks.push(nameCheck);
  const kept = nameCheck.status === 'passed' && facts.existingCapture !== undefined;

  const storageLocation: Record<string, string> = {};
  if (wantsStorage && answers.storageArmId) {
    storageLocation.storageId = answers.storageArmId;
  }
  if (wantsFile && answers.filePath) {
    storageLocation.filePath = answers.filePath;
  }
  const filters = filterBodies(answers.filters);
  const captureArmId = `${watcherArmId ?? defaultWatcherArmId(vm.subscriptionId, vm.location)}/packetCaptures/${answers.name}`;
  list.add({
    kind: 'put',
    title: `Start packet capture ${answers.name} on ${vm.name}`,
    resourceId: captureArmId,
    resourceType: 'Microsoft.Network/networkWatchers/packetCaptures',
    apiVersion: networkApiVersion,
    body: {
      properties: {
        target: vm.armId,
        targetType: 'AzureVM',
        bytesToCapturePerPacket: answers.bytesPerPacket,
        totalBytesPerSession: answers.bytesPerSession,
        timeLimitInSeconds: answers.timeLimitSeconds,
        storageLocation,
        filters,
      },
    },
    dependsOn: captureDependsOn,
    tenantId: vm.tenantId,
    existing: kept ? 'same' : 'absent',
    impact: `Captures up to ${sizeOf(answers.bytesPerSession)} for at most ${answers.timeLimitSeconds} s.`,
  });

  warnings.push(`The capture runs until ${answers.timeLimitSeconds} seconds pass or ${sizeOf(answers.bytesPerSession)} are captured; stop it earlier with "Stop Packet Capture" on its row under ${watcherName}.`);
  if (wantsStorage && storage) {
    warnings.push(`The .cap file is uploaded to ${storage.name} (container network-watcher-logs) when the capture stops; storage charges apply.`);
  }
  warnings.push('Azure allows 10 packet capture sessions per region per subscription at a time.');

  const destination = [wantsStorage ? `storage account ${storage?.name ?? nameOf(answers.storageArmId ?? '')}` : undefined, wantsFile ? `file ${answers.filePath ?? ''} on the VM` : undefined].filter(Boolean).join(' and ');
  return {
    kind: 'packetCapture',
    title: `Capture packets on ${vm.name} (${answers.name})`,
    summary: [
      `Packet capture ${answers.name} on ${vm.name} (${vm.osType}, ${vm.location}) through ${watcherName}.`,
      `Writes to ${destination}.`,
      `Filters: ${describeFilters(answers.filters)}. Time limit ${answers.timeLimitSeconds} s; ${answers.bytesPerPacket === 0 ? 'whole packets' : `${answers.bytesPerPacket} bytes per packet`}; at most ${answers.bytesPerSession} bytes.`,
    ],
    checks,
    warnings,
    actions: list.actions,
  };
}

/** `1.0 GB (1,073,741,824 bytes)`: readable, and exact as Azure takes it. */
function sizeOf(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}
