import {
  isInSync,
  type FlowLogRef,
  type NetworkWatcherRef,
  type NicRef,
  type NsgRef,
  type PacketCaptureRef,
  type PacketCaptureStatusRef,
  type PeeringRef,
  type SecurityRuleRef,
  type SubnetRef,
  type SubscriptionRef,
  type VirtualNetworkTapRef,
  type VnetRef,
} from '../azure/networkApi';
import { nameOf } from '../azure/armIds';
import { plural } from '../core/quantities';
import { addressCount, formatAddressCount, formatPrefixes, usableSubnetAddresses } from '../core/addresses';
import type { FlowLogCoverage } from '../inventory/inventoryIndex';

/**
 * How a tree row looks, decided without VS Code: the node classes turn this into a `TreeItem`
 * (`tooltip` becomes a MarkdownString, `icon` a ThemeIcon).
 */
export interface ItemDescription {
  label: string;
  description?: string;
  /** Markdown; every value from Azure is escaped. */
  tooltip: string;
  /** `;`-separated flags that menus match: `nic;canTap;canCopyId`. */
  contextValue: string;
  /** A codicon id. */
  icon: string;
  /** A theme color id for the icon. */
  iconColor?: string;
  collapsible: boolean;
}

/** Escapes text for a MarkdownString: backslash-escapes Markdown punctuation and HTML-escapes angle brackets and ampersands. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~]/g, (character) => `\\${character}`).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function tooltip(title: string, rows: readonly (readonly [string, string | undefined])[]): string {
  const lines = [`**${escapeMarkdown(title)}**`, ''];
  for (const [key, value] of rows) {
    if (value !== undefined && value !== '') {
      lines.push(`${escapeMarkdown(key)}: ${escapeMarkdown(value)}  `);
    }
  }
  return lines.join('\n');
}

function flags(...values: (string | false | undefined)[]): string {
  return values.filter((value): value is string => typeof value === 'string' && value !== '').join(';');
}

const resourceFlags = ['azureResource', 'canCopyId', 'canOpenInPortal', 'canViewProperties'] as const;

/** A subscription's row; `busy` (e.g. "Applying changes…") while a plan changes it, with a spinning icon. */
export function describeSubscription(subscription: SubscriptionRef, tenantName?: string, busy?: string): ItemDescription {
  return {
    label: subscription.displayName,
    description: busy ?? (subscription.state !== 'Enabled' ? subscription.state : undefined),
    tooltip: tooltip(subscription.displayName, [
      ['Subscription', subscription.subscriptionId],
      ['Tenant', tenantName ? `${tenantName} (${subscription.tenantId})` : subscription.tenantId],
      ['State', subscription.state],
    ]),
    contextValue: flags('subscription', 'canRefresh', ...resourceFlags),
    icon: busy === undefined ? 'azure' : 'loading~spin',
    collapsible: true,
  };
}

export type FolderKind = 'vnets' | 'nsgs' | 'watchers' | 'taps';

const folderLabels: Record<FolderKind, string> = {
  vnets: 'Virtual networks',
  nsgs: 'Network security groups',
  watchers: 'Network watchers',
  taps: 'Virtual network TAPs',
};

const folderIcons: Record<FolderKind, string> = { vnets: 'type-hierarchy', nsgs: 'shield', watchers: 'eye', taps: 'mirror' };

/** `2 NICs mirrored to vtap-collectors in Contoso Security Hub, …`; empty when none. */
function describeMirroredElsewhere(mirroredElsewhere: readonly MirroredElsewhere[]): string {
  return mirroredElsewhere.map((group) => `${plural(group.nicCount, 'NIC')} mirrored to ${group.tapName} in ${group.subscriptionName}`).join(', ');
}

/**
 * A folder row with its count. The TAP folder of a subscription whose NICs mirror into TAPs of
 * other subscriptions says where they go, so "0" does not read as "nothing mirrored":
 * `0 here · 2 NICs mirrored to vtap-collectors in Contoso Security Hub`.
 */
export function describeFolder(kind: FolderKind, count?: number, mirroredElsewhere: readonly MirroredElsewhere[] = []): ItemDescription {
  const elsewhere = describeMirroredElsewhere(mirroredElsewhere);
  const counted = count === undefined ? undefined : String(count);
  return {
    label: folderLabels[kind],
    description: elsewhere === '' ? counted : [counted === undefined ? undefined : `${counted} here`, elsewhere].filter(Boolean).join(' · '),
    tooltip: tooltip(folderLabels[kind], [['Count', counted], ['Mirrored to other subscriptions', elsewhere]]),
    contextValue: flags('folder', `folder-${kind}`, 'canRefresh'),
    icon: folderIcons[kind],
    collapsible: true,
  };
}

/** The empty-state text of a folder; an empty TAP folder also says where the subscription's NICs are mirrored to. */
export function emptyFolderMessage(kind: FolderKind, mirroredElsewhere: readonly MirroredElsewhere[] = []): string {
  if (kind === 'taps' && mirroredElsewhere.length > 0) {
    return `No virtual network TAPs in this subscription; ${describeMirroredElsewhere(mirroredElsewhere)}`;
  }
  switch (kind) {
    case 'vnets':
      return 'No virtual networks in this subscription';
    case 'nsgs':
      return 'No network security groups in this subscription';
    case 'watchers':
      return 'No network watchers in this subscription';
    case 'taps':
      return 'No virtual network TAPs in this subscription';
  }
}

export function describeVnet(vnet: VnetRef, flowLogs: readonly FlowLogRef[]): ItemDescription {
  const logged = flowLogs.some((flowLog) => flowLog.enabled);
  return {
    label: vnet.name,
    description: [formatPrefixes(vnet.addressSpace), vnet.location, logged ? 'flow log' : undefined].filter(Boolean).join(' · '),
    tooltip: tooltip(vnet.name, [
      ['Address space', vnet.addressSpace.map((prefix) => `${prefix} (${formatAddressCount(addressCount(prefix))})`).join(', ') || 'none'],
      ['Region', vnet.location],
      ['Resource group', vnet.resourceGroup],
      ['Subnets', String(vnet.subnets.length)],
      ['Peerings', String(vnet.peerings.length)],
      ['Flow logs', flowLogs.length === 0 ? 'none' : flowLogs.map((flowLog) => `${flowLog.name}${flowLog.enabled ? '' : ' (disabled)'}`).join(', ')],
    ]),
    contextValue: flags('vnet', 'canRefresh', 'canPeer', logged ? 'hasFlowLog' : 'canFlowLog', ...resourceFlags),
    icon: 'type-hierarchy-sub',
    collapsible: true,
  };
}

function coverageBadge(coverage: FlowLogCoverage): string | undefined {
  switch (coverage.kind) {
    case 'subnet':
      return 'flow log';
    case 'vnet':
      return 'flow log (VNet)';
    case 'nsg':
      return 'flow log (NSG)';
    case 'none':
      return undefined;
  }
}

export function describeSubnet(subnet: SubnetRef, nsgName: string | undefined, coverage: FlowLogCoverage, nicCount: number): ItemDescription {
  const badge = coverageBadge(coverage);
  return {
    label: subnet.name,
    description: [formatPrefixes(subnet.addressPrefixes, 'no prefix'), nsgName ? `NSG ${nsgName}` : undefined, badge].filter(Boolean).join(' · '),
    tooltip: tooltip(subnet.name, [
      ['Prefix', subnet.addressPrefixes.map((prefix) => `${prefix} (${formatAddressCount(usableSubnetAddresses(prefix))} usable)`).join(', ') || 'none'],
      ['Network security group', nsgName ?? 'none'],
      ['Flow log', coverage.kind === 'none' ? 'none' : `${coverage.flowLog.name} (on the ${coverage.kind === 'nsg' ? 'NSG' : coverage.kind === 'vnet' ? 'virtual network' : 'subnet'})`],
      ['Network interfaces', String(nicCount)],
    ]),
    contextValue: flags('subnet', nsgName ? 'hasNsg' : undefined, coverage.kind === 'none' ? 'canFlowLog' : 'hasFlowLog', ...resourceFlags),
    icon: 'layers',
    collapsible: true,
  };
}

/** A TAP a NIC is mirrored into; `subscriptionName` is set when the TAP is in another subscription than the NIC. */
export interface NicTapTarget {
  name: string;
  subscriptionName?: string;
}

function tapTargetText(tap: NicTapTarget, between: ' in ' | ' ('): string {
  return tap.subscriptionName === undefined ? tap.name : between === ' in ' ? `${tap.name} in ${tap.subscriptionName}` : `${tap.name} (${tap.subscriptionName})`;
}

/** `10.1.1.4 · VM vm-web-01 · TAP → vtap-collectors (Contoso Security Hub)`: the TAP named, with its subscription when it is another. */
export function describeNic(nic: NicRef, taps: readonly NicTapTarget[]): ItemDescription {
  const badges = [
    nic.primaryPrivateIp ?? 'no private IP',
    nic.virtualMachineName ? `VM ${nic.virtualMachineName}` : 'no VM',
    nic.acceleratedNetworking ? 'accelerated' : undefined,
    taps.length > 0 ? `TAP → ${taps.map((tap) => tapTargetText(tap, ' (')).join(', ')}` : undefined,
  ];
  return {
    label: nic.name,
    description: badges.filter(Boolean).join(' · '),
    tooltip: tooltip(nic.name, [
      ['Private IP', nic.privateIpAddresses.join(', ') || 'none'],
      ['MAC address', nic.macAddress],
      ['Virtual machine', nic.virtualMachineName ?? 'not attached'],
      ['Accelerated networking', nic.acceleratedNetworking ? 'on' : 'off'],
      ['TAP configuration', taps.length > 0 ? `mirrored to ${taps.map((tap) => tapTargetText(tap, ' in ')).join(', ')}` : 'none'],
      ['Resource group', nic.resourceGroup],
    ]),
    contextValue: flags('nic', taps.length > 0 ? 'hasTap' : 'canTap', nic.virtualMachineId ? 'hasVm' : undefined, nic.acceleratedNetworking ? 'accelerated' : 'canAccelerate', ...resourceFlags),
    icon: 'plug',
    collapsible: false,
  };
}

/** NICs of a subscription mirrored into one TAP of another subscription. */
export interface MirroredElsewhere {
  tapName: string;
  subscriptionName: string;
  nicCount: number;
}

const peeringColors: Record<string, string> = {
  Connected: 'testing.iconPassed',
  Initiated: 'list.warningForeground',
  Disconnected: 'list.errorForeground',
};

/** `FullyInSync` → `in sync`; `LocalNotInSync` → `local not in sync`. */
export function describeSyncLevel(level: string | undefined): string | undefined {
  if (level === undefined || level === '') {
    return undefined;
  }
  return level === 'FullyInSync' ? 'in sync' : level.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function describePeering(peering: PeeringRef): ItemDescription {
  const remote = peering.remoteVnetArmId ? nameOf(peering.remoteVnetArmId) : 'unknown network';
  const sync = describeSyncLevel(peering.syncLevel);
  return {
    label: peering.name,
    description: [`→ ${remote}`, peering.peeringState, peering.peeringState === 'Connected' ? sync : undefined].filter(Boolean).join(' · '),
    tooltip: tooltip(peering.name, [
      ['Remote virtual network', peering.remoteVnetArmId ?? 'unknown'],
      ['State', peering.peeringState],
      ['Sync level', sync],
      ['Forwarded traffic', peering.allowForwardedTraffic ? 'allowed' : 'blocked'],
      ['Gateway transit', peering.allowGatewayTransit ? 'allowed' : 'off'],
      ['Remote gateways', peering.useRemoteGateways ? 'used' : 'not used'],
    ]),
    contextValue: flags('peering', `peering-${peering.peeringState.toLowerCase()}`, isInSync(peering) ? undefined : 'canSync', ...resourceFlags),
    icon: 'arrow-swap',
    iconColor: peeringColors[peering.peeringState],
    collapsible: false,
  };
}

export function describeNsg(nsg: NsgRef, flowLogs: readonly FlowLogRef[]): ItemDescription {
  const logged = flowLogs.some((flowLog) => flowLog.enabled);
  return {
    label: nsg.name,
    description: [`${nsg.rules.length} rule${nsg.rules.length === 1 ? '' : 's'}`, nsg.location, logged ? 'flow log' : undefined].filter(Boolean).join(' · '),
    tooltip: tooltip(nsg.name, [
      ['Region', nsg.location],
      ['Resource group', nsg.resourceGroup],
      ['Rules', String(nsg.rules.length)],
      ['Attached to', `${plural(nsg.subnetIds.length, 'subnet')}, ${plural(nsg.nicIds.length, 'network interface')}`],
      ['Flow logs', flowLogs.length === 0 ? 'none' : flowLogs.map((flowLog) => `${flowLog.name}${flowLog.enabled ? '' : ' (disabled)'}`).join(', ')],
    ]),
    contextValue: flags('nsg', logged ? 'hasFlowLog' : undefined, ...resourceFlags),
    icon: 'shield',
    collapsible: true,
  };
}

export function describeRule(rule: SecurityRuleRef): ItemDescription {
  const ports = rule.destinationPorts === '*' ? 'any port' : `port ${rule.destinationPorts}`;
  return {
    label: `${rule.priority} ${rule.name}`,
    description: `${rule.direction} · ${rule.access} · ${rule.protocol} · ${rule.source} → ${rule.destination} ${ports}`,
    tooltip: tooltip(rule.name, [
      ['Priority', String(rule.priority)],
      ['Direction', rule.direction],
      ['Access', rule.access],
      ['Protocol', rule.protocol],
      ['Source', `${rule.source} port ${rule.sourcePorts}`],
      ['Destination', `${rule.destination} port ${rule.destinationPorts}`],
      ['Description', rule.description],
    ]),
    contextValue: flags('securityRule', rule.access === 'Deny' ? 'deny' : 'allow'),
    icon: rule.access === 'Deny' ? 'circle-slash' : 'pass',
    iconColor: rule.access === 'Deny' ? 'list.errorForeground' : undefined,
    collapsible: false,
  };
}

export function describeWatcher(watcher: NetworkWatcherRef, flowLogCount: number, captureCount: number): ItemDescription {
  return {
    label: watcher.name,
    description: [watcher.location, `${flowLogCount} flow log${flowLogCount === 1 ? '' : 's'}`, captureCount > 0 ? `${captureCount} capture${captureCount === 1 ? '' : 's'}` : undefined].filter(Boolean).join(' · '),
    tooltip: tooltip(watcher.name, [
      ['Region', watcher.location],
      ['Resource group', watcher.resourceGroup],
      ['Flow logs', String(flowLogCount)],
      ['Packet captures', String(captureCount)],
    ]),
    contextValue: flags('networkWatcher', ...resourceFlags),
    icon: 'eye',
    collapsible: true,
  };
}

/** Shown on every NSG flow log: Azure blocks new ones and retires them (learn.microsoft.com/azure/network-watcher/nsg-flow-logs-migrate). */
export const nsgFlowLogRetirement = 'No new NSG flow logs since 30 June 2025; retires 30 September 2027';

export function describeFlowLog(flowLog: FlowLogRef): ItemDescription {
  const target = flowLog.targetArmId ? nameOf(flowLog.targetArmId) : 'no target';
  const storage = flowLog.storageArmId ? nameOf(flowLog.storageArmId) : 'no storage';
  const onNsg = /\/providers\/microsoft\.network\/networksecuritygroups\/[^/]+$/i.test(flowLog.targetArmId);
  return {
    label: flowLog.name,
    description: [`${target} → ${storage}`, flowLog.enabled ? undefined : 'disabled', flowLog.trafficAnalytics ? 'Traffic Analytics' : undefined].filter(Boolean).join(' · '),
    tooltip: tooltip(flowLog.name, [
      ['Target', flowLog.targetArmId],
      ['Storage account', flowLog.storageArmId],
      ['Enabled', flowLog.enabled ? 'yes' : 'no'],
      ['Traffic Analytics', flowLog.trafficAnalytics ? 'on' : 'off'],
      ['Format version', flowLog.formatVersion === undefined ? undefined : String(flowLog.formatVersion)],
      ['Retention', flowLog.retentionDays === undefined ? 'not set' : `${flowLog.retentionDays} days`],
      ['Region', flowLog.location],
      ['NSG flow log', onNsg ? nsgFlowLogRetirement : undefined],
    ]),
    contextValue: flags('flowLog', flowLog.enabled ? 'enabled' : 'disabled', flowLog.trafficAnalytics ? 'trafficAnalytics' : undefined, flowLog.storageArmId ? 'hasStorage' : undefined, onNsg ? 'nsgFlowLog' : undefined, ...resourceFlags),
    icon: 'pulse',
    iconColor: flowLog.enabled ? undefined : 'disabledForeground',
    collapsible: false,
  };
}

/** A capture's state as its row shows it: from queryStatus, or why it could not be read. */
export type CaptureState = { ok: true; value: PacketCaptureStatusRef } | { ok: false; problem: { code: string; message: string } };

const stopReasons: Record<string, string> = {
  TimeExceeded: 'time limit reached',
  Manual: 'stopped by a user',
  ManuallyStopped: 'stopped by a user',
  SessionLimitExceeded: 'size limit reached',
  SessionBytesExceeded: 'size limit reached',
};

const captureErrors: Record<string, string> = {
  InternalError: 'internal error in Network Watcher',
  AgentStopped: 'the Network Watcher agent stopped',
  CaptureFailed: 'the capture failed on the VM',
  LocalFileFailed: 'writing the file on the VM failed',
  StorageFailed: 'uploading the file to storage failed',
};

/** `TimeExceeded` → `time limit reached`; an unknown code as words (`SomeReason` → `some reason`). */
function inWords(code: string, known: Record<string, string>): string {
  return known[code] ?? code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** `Running`, `Stopped (time limit reached)`, `Error: uploading the file to storage failed`, `status unknown`. */
export function describeCaptureState(state: CaptureState): string {
  if (!state.ok) {
    return 'status unknown';
  }
  const { status, stopReason, errors } = state.value;
  const reasons = errors.map((error) => inWords(error, captureErrors));
  switch (status) {
    case 'Running':
      return reasons.length > 0 ? `Running · ${reasons.join(', ')}` : 'Running';
    case 'Stopped':
      return [`Stopped${stopReason ? ` (${inWords(stopReason, stopReasons)})` : ''}`, ...(reasons.length > 0 ? [reasons.join(', ')] : [])].join(' · ');
    case 'Error':
      return `Error: ${reasons.length > 0 ? reasons.join(', ') : 'Network Watcher gave no reason'}`;
    case 'NotStarted':
      return 'Not started';
    default:
      return status === '' ? 'status unknown' : status;
  }
}

const captureIcons: Record<string, { icon: string; color?: string }> = {
  Running: { icon: 'record', color: 'charts.red' },
  Stopped: { icon: 'debug-stop' },
  Error: { icon: 'error', color: 'list.errorForeground' },
};

/**
 * A packet capture row: its target and its state from queryStatus (Running, Stopped with the
 * reason, Error with what failed), and the provisioning state only when that failed.
 */
export function describePacketCapture(capture: PacketCaptureRef, state?: CaptureState): ItemDescription {
  const status = state?.ok ? state.value.status : undefined;
  const shown = state === undefined ? undefined : describeCaptureState(state);
  const look = (status === undefined ? undefined : captureIcons[status]) ?? { icon: 'record' };
  return {
    label: capture.name,
    description: [capture.targetArmId ? nameOf(capture.targetArmId) : undefined, capture.provisioningState === 'Succeeded' ? undefined : capture.provisioningState, shown].filter(Boolean).join(' · '),
    tooltip: [
      tooltip(capture.name, [
        ['Target', capture.targetArmId],
        ['Storage', capture.storageId ? nameOf(capture.storageId) : undefined],
        ['File', capture.filePath],
        ['Provisioning state', capture.provisioningState],
        ['Status', shown],
        ['Status query', state !== undefined && !state.ok ? `${state.problem.code}: ${state.problem.message}` : undefined],
      ]),
      '',
      state === undefined ? 'Whether it is still capturing: **Packet Capture Status**.' : 'As read when the watcher was expanded; **Packet Capture Status** asks again.',
    ].join('\n'),
    contextValue: flags('packetCapture', capture.storageId ? 'hasStorage' : undefined, status === undefined ? undefined : `capture-${status.toLowerCase()}`, ...resourceFlags),
    icon: look.icon,
    iconColor: look.color,
    collapsible: false,
  };
}

export function describeTap(tap: VirtualNetworkTapRef, sourceNicNames: readonly string[]): ItemDescription {
  const destination = tap.destinationArmId ? tap.destinationArmId.split('/').slice(-3, -2)[0] ?? nameOf(tap.destinationArmId) : 'no destination';
  return {
    label: tap.name,
    description: [`→ ${destination}${tap.destinationPort ? `:${tap.destinationPort}` : ''}`, plural(tap.sourceIds.length, 'source')].join(' · '),
    tooltip: tooltip(tap.name, [
      ['Destination', tap.destinationArmId],
      ['Destination port', tap.destinationPort === undefined ? undefined : String(tap.destinationPort)],
      ['Sources', sourceNicNames.length > 0 ? sourceNicNames.join(', ') : 'none'],
      ['Region', tap.location],
    ]),
    contextValue: flags('virtualNetworkTap', ...resourceFlags),
    icon: 'mirror',
    collapsible: tap.sourceIds.length > 0,
  };
}
