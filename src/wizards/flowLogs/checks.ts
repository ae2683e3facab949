/**
 * Validators and prerequisite checks for the flow-log wizards. Pure: they read the answers and the
 * plain facts in `flowLogFacts.ts` and return messages or `PlanCheck`s naming the resources.
 */
import { nameOf } from '../../azure/armIds';
import { defaultNetworkName, validateNetworkName } from '../shared/networkNames';
import type { PlanCheck } from '../../core/plan';
import { premiumStorageReason } from '../shared/storageTier';
import type { ExistingFlowLog, FlowLogAnswers, FlowLogTarget, StorageChoice, StorageFact } from './flowLogFacts';

/** Azure's storage account name rule: 3-24 characters, lowercase letters and digits only. */
export function validateStorageAccountName(name: string): string | undefined {
  if (name.length < 3 || name.length > 24) {
    return `A storage account name has 3 to 24 characters; "${name}" has ${name.length}.`;
  }
  if (!/^[a-z0-9]+$/.test(name)) {
    return 'A storage account name may contain only lowercase letters and digits.';
  }
  return undefined;
}

/** Azure's rule for flow log names (see `validateNetworkName`). */
export function validateFlowLogName(name: string): string | undefined {
  return validateNetworkName(name, 'A flow log name');
}

/** Retention in days: a whole number from 0 (keep forever) to 365. */
export function validateRetentionDays(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > 365) {
    return 'Enter a whole number of days from 0 to 365 (0 keeps flow logs forever).';
  }
  return undefined;
}

/** `fl-<target>`: `fl-vnet-dev-spoke`, `fl-vnet-dev-spoke-snet-app` for a subnet; made to pass `validateFlowLogName`. */
export function defaultFlowLogName(target: Pick<FlowLogTarget, 'name'>): string {
  return defaultNetworkName(`fl-${target.name}`);
}

/** The storage account's name and region, whichever the choice is. */
export function storageSummary(storage: StorageChoice): { name: string; location: string } {
  return storage.kind === 'existing' ? { name: storage.account.name, location: storage.account.location } : { name: storage.name, location: storage.location };
}

/** NSG targets are refused: Azure blocks new NSG flow logs since 30 June 2025. */
export function checkNoNsgTargets(targets: readonly FlowLogTarget[]): PlanCheck | undefined {
  const nsgs = targets.filter((target) => target.kind === 'nsg');
  if (nsgs.length === 0) {
    return undefined;
  }
  return {
    id: 'nsgFlowLogBlocked',
    title: 'No new NSG flow logs',
    status: 'failed',
    detail: `${nsgs.map((target) => target.name).join(', ')}: Azure blocks new NSG flow logs since 30 June 2025 (they retire on 30 September 2027). Enable a VNet flow log on the virtual network, subnet or NIC instead.`,
  };
}

/** The storage account must be in each target's region. */
export function checkStorageRegion(targets: readonly FlowLogTarget[], storage: StorageChoice): PlanCheck {
  const { name, location } = storageSummary(storage);
  const elsewhere = targets.filter((target) => target.location.toLowerCase() !== location.toLowerCase());
  if (elsewhere.length === 0) {
    return { id: 'storageRegion', title: 'Storage account in the target region', status: 'passed', detail: `${name} is in ${location}, as ${targets.map((target) => target.name).join(', ')}.` };
  }
  return {
    id: 'storageRegion',
    title: 'Storage account in the target region',
    status: 'failed',
    detail: `${elsewhere.map((target) => `${target.name} is in ${target.location}`).join('; ')}, but storage account ${name} is in ${location}. A flow log's storage account must be in its target's region: pick or create one in ${elsewhere[0].location}.`,
  };
}

/** True when `bypass` (`"Logging, Metrics, AzureServices"`) lets trusted Microsoft services through. */
export function bypassesAzureServices(bypass: string | undefined): boolean {
  return (bypass ?? '').split(',').some((part) => part.trim().toLowerCase() === 'azureservices');
}

/** A storage firewall that denies by default must let trusted Microsoft services (Network Watcher) write. */
export function checkStorageFirewall(storage: StorageChoice): PlanCheck {
  if (storage.kind === 'new') {
    return { id: 'storageFirewall', title: 'Storage firewall', status: 'passed', detail: `${storage.name} will be created with public network access allowed.` };
  }
  const account: StorageFact = storage.account;
  if ((account.defaultAction ?? 'Allow').toLowerCase() !== 'deny') {
    return { id: 'storageFirewall', title: 'Storage firewall', status: 'passed', detail: `${account.name} allows network access by default.` };
  }
  if (bypassesAzureServices(account.bypass)) {
    return { id: 'storageFirewall', title: 'Storage firewall', status: 'passed', detail: `${account.name} denies network access by default but lets trusted Microsoft services through (bypass ${account.bypass}).` };
  }
  return {
    id: 'storageFirewall',
    title: 'Storage firewall',
    status: 'failed',
    detail: `${account.name} denies network access by default (networkRuleSet defaultAction Deny) and does not let trusted Microsoft services through (bypass ${account.bypass || 'None'}), so Network Watcher cannot write flow logs to it. In its Networking settings, allow "Azure services on the trusted services list" (bypass AzureServices), or pick another account.`,
  };
}

/** Why Network Watcher cannot write flow logs to an account (a premium one), or undefined when it can. */
export function unsuitableStorageReason(account: Pick<StorageFact, 'kind' | 'sku'>): string | undefined {
  const premium = premiumStorageReason(account);
  return premium === undefined ? undefined : `${premium}; flow logs need a standard account`;
}

/** A premium account is refused by Azure: the plan fails here rather than on Apply. */
export function checkStorageTier(storage: StorageChoice): PlanCheck {
  if (storage.kind === 'new') {
    return { id: 'storageTier', title: 'Standard storage account', status: 'passed', detail: `${storage.name} will be created as a standard general-purpose v2 account (Standard_LRS).` };
  }
  const reason = unsuitableStorageReason(storage.account);
  return reason === undefined
    ? { id: 'storageTier', title: 'Standard storage account', status: 'passed', detail: `${storage.account.name} is a standard account (${storage.account.sku}).` }
    : {
      id: 'storageTier',
      title: 'Standard storage account',
      status: 'failed',
      detail: `Storage account ${storage.account.name} is ${reason}: Azure refuses premium storage accounts for flow logs. Pick a standard account (such as a general-purpose v2 Standard_LRS one) or create a new one.`,
    };
}

/** Retention needs a general-purpose v2 account. */
export function checkStorageKind(storage: StorageChoice, retentionDays: number): PlanCheck | undefined {
  if (storage.kind === 'new' || retentionDays === 0 || storage.account.kind === 'StorageV2') {
    return undefined;
  }
  return {
    id: 'storageKind',
    title: 'Retention needs a general-purpose v2 account',
    status: 'warning',
    detail: `${storage.account.name} is a ${storage.account.kind} account; flow-log retention works only with general-purpose v2 (StorageV2) accounts, so blobs may be kept longer than ${retentionDays} days.`,
  };
}

/**
 * Subnets and NICs whose traffic another enabled flow log already records (the VNet's, or for a
 * NIC its subnet's), and VNets whose subnets or NICs are also targets: both would log the same flows.
 */
export function checkDoubleLogging(targets: readonly FlowLogTarget[], flowLogs: readonly ExistingFlowLog[]): PlanCheck | undefined {
  const enabledOn = new Map<string, ExistingFlowLog>();
  for (const flowLog of flowLogs) {
    if (flowLog.enabled) {
      enabledOn.set(flowLog.targetId, flowLog);
    }
  }
  const targetIds = new Set(targets.map((target) => target.id));
  const lines: string[] = [];
  for (const target of targets) {
    if (target.kind !== 'subnet' && target.kind !== 'nic') {
      continue;
    }
    const covering = [...(target.kind === 'nic' ? (target.subnetIds ?? []) : []), ...(target.vnetId ? [target.vnetId] : [])];
    for (const id of covering) {
      const flowLog = enabledOn.get(id);
      if (flowLog && flowLog.targetId !== target.id) {
        lines.push(`${target.name} is already covered by flow log ${flowLog.name} on ${nameOf(flowLog.targetArmId)}`);
        break;
      }
      if (targetIds.has(id)) {
        lines.push(`${target.name} is inside ${targets.find((other) => other.id === id)?.name}, also a target of this plan`);
        break;
      }
    }
  }
  if (lines.length === 0) {
    return undefined;
  }
  return { id: 'doubleLogging', title: 'Double logging', status: 'warning', detail: `${lines.join('; ')}. The same flows would be recorded twice, doubling records and cost.` };
}

/** Which existing flow log (any watcher) already targets each target. */
export function existingFlowLogFor(target: FlowLogTarget, flowLogs: readonly ExistingFlowLog[]): ExistingFlowLog | undefined {
  return flowLogs.find((flowLog) => flowLog.targetId === target.id);
}

/** The answers' settings for one target that differ from its existing flow log, e.g. `["storage account", "retention"]`. */
export function flowLogDifferences(existing: ExistingFlowLog, answers: Pick<FlowLogAnswers, 'retentionDays' | 'trafficAnalytics'>, storageArmId: string): string[] {
  const differences: string[] = [];
  if (!existing.enabled) {
    differences.push('enabled');
  }
  if (existing.storageArmId.toLowerCase() !== storageArmId.toLowerCase()) {
    differences.push('storage account');
  }
  if (existing.retentionDays !== answers.retentionDays) {
    differences.push('retention');
  }
  if (existing.formatVersion !== 2) {
    differences.push('format version');
  }
  const wanted = answers.trafficAnalytics;
  const current = existing.trafficAnalytics;
  if (Boolean(wanted) !== current.enabled) {
    differences.push('Traffic Analytics');
  } else if (wanted && ((current.workspaceResourceId ?? '').toLowerCase() !== wanted.workspace.armId.toLowerCase() || current.intervalMinutes !== wanted.intervalMinutes)) {
    differences.push('Traffic Analytics');
  }
  return differences;
}
