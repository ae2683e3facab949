import { nameOf, parentId } from '../../azure/armIds';
import { isInSync, type PeeringRef } from '../../azure/networkApi';
import { ActionList } from '../shared/actionList';
import { serializeVirtualNetworkWrites, type Plan, type PlanAction, type PlanCheck } from '../../core/plan';
import { crossTenantCheck, gatewayChecks, overlapCheck, peeredOverlapCheck, selfPeeringCheck, spokeOverlapCheck, validatePeeringName } from './checks';
import { allowsVirtualNetworkAccess, type PeeringVnet } from './peeringVnet';
import { networkApiVersion } from '../shared/apiVersions';

/** The api-version of every peering request (and Bicep resource) this wizard writes. */
/** The api-version of peering requests (Microsoft.Network's). */
export const peeringApiVersion = networkApiVersion;
export const peeringResourceType = 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings';

/** The names asked for one spoke's pair of peerings. */
export interface PeeringNames {
  /** The peering on the hub, pointing at the spoke. */
  hubSide: string;
  /** The peering on the spoke, pointing at the hub. */
  spokeSide: string;
}

export interface PeeringAnswers {
  hub: PeeringVnet;
  spokes: PeeringVnet[];
  /** Both sides accept traffic forwarded by an appliance in the other network. */
  allowForwardedTraffic: boolean;
  /** The hub side allows gateway transit and each spoke side uses the hub's gateway. */
  useHubGateway: boolean;
  /** By spoke id (lower-cased ARM id). */
  names: Record<string, PeeringNames>;
}

/** The peering properties one side asks for. */
interface PeeringSettings {
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
}

/** The ARM body of a peering PUT (VirtualNetworkPeeringCreate.json); `kept` are properties of an existing peering the write keeps. */
export function peeringBody(remote: { armId: string }, settings: PeeringSettings, kept: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    properties: {
      ...kept,
      remoteVirtualNetwork: { id: remote.armId },
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: settings.allowForwardedTraffic,
      allowGatewayTransit: settings.allowGatewayTransit,
      useRemoteGateways: settings.useRemoteGateways,
    },
  };
}

/**
 * What a peering holds that the wizard does not set, by what a write does with it. The 2026-01-01
 * VirtualNetworkPeeringPropertiesFormat lets a request set all of these; the status Azure reports
 * (`peeringState`, `peeringSyncLevel`) and the read-only `provisioningState`, `resourceGuid` and
 * `remoteVirtualNetworkEncryption` are never written back.
 */
const subnetPeeringProperties = ['peerCompleteVnets', 'localSubnetNames', 'remoteSubnetNames', 'enableOnlyIPv6Peering', 'doNotVerifyRemoteGateways'] as const;
/** Address spaces and BGP communities Azure fills in, echoed by an update as `az network vnet peering update` does. */
const addressSpaceProperties = ['localAddressSpace', 'localVirtualNetworkAddressSpace', 'remoteAddressSpace', 'remoteVirtualNetworkAddressSpace'] as const;

/** The peering's own properties as Azure returned them (the SDK's flattened object). */
function heldProperties(peering: PeeringRef): Record<string, unknown> {
  const properties = peering.properties;
  return properties !== null && typeof properties === 'object' ? (properties as Record<string, unknown>) : {};
}

/**
 * The properties of an existing peering a write keeps: its subnet-peering choice and
 * `doNotVerifyRemoteGateways`, and for an update of the peering itself (not a re-create) its address
 * spaces (prefixes only) and the writable BGP community.
 */
export function keptPeeringProperties(peering: PeeringRef, write: 'update' | 'create'): Record<string, unknown> {
  const held = heldProperties(peering);
  const kept: Record<string, unknown> = {};
  for (const key of subnetPeeringProperties) {
    if (held[key] !== undefined && held[key] !== null) {
      kept[key] = Array.isArray(held[key]) ? [...(held[key] as unknown[])] : held[key];
    }
  }
  if (write === 'create') {
    return kept;
  }
  for (const key of addressSpaceProperties) {
    const prefixes = (held[key] as { addressPrefixes?: unknown } | undefined)?.addressPrefixes;
    if (Array.isArray(prefixes)) {
      kept[key] = { addressPrefixes: [...(prefixes as unknown[])] };
    }
  }
  const community = (held.remoteBgpCommunities as { virtualNetworkCommunity?: unknown } | undefined)?.virtualNetworkCommunity;
  if (typeof community === 'string' && community !== '') {
    kept.remoteBgpCommunities = { virtualNetworkCommunity: community };
  }
  return kept;
}

/**
 * The body that writes an existing peering as it is (a sync, "Undo Created" of an update): its
 * settings as Azure holds them, with everything `keptPeeringProperties` keeps. `write: 'create'`
 * is for putting back a peering that was deleted, where Azure computes the address spaces again.
 */
export function bodyOfExisting(peering: PeeringRef, write: 'update' | 'create' = 'update'): Record<string, unknown> {
  const body = peeringBody({ armId: peering.remoteVnetArmId ?? '' }, peering, keptPeeringProperties(peering, write)) as { properties: Record<string, unknown> };
  return { properties: { ...body.properties, allowVirtualNetworkAccess: allowsVirtualNetworkAccess(peering) } };
}

function sameSettings(peering: PeeringRef, settings: PeeringSettings): boolean {
  return (
    allowsVirtualNetworkAccess(peering) &&
    peering.allowForwardedTraffic === settings.allowForwardedTraffic &&
    peering.allowGatewayTransit === settings.allowGatewayTransit &&
    peering.useRemoteGateways === settings.useRemoteGateways
  );
}

function describeSettings(settings: PeeringSettings): string {
  const parts = [settings.allowForwardedTraffic ? 'forwarded traffic allowed' : 'forwarded traffic blocked'];
  if (settings.allowGatewayTransit) {
    parts.push('gateway transit');
  }
  if (settings.useRemoteGateways) {
    parts.push('uses remote gateways');
  }
  return parts.join(', ');
}

/** Auxiliary tenants for a request sent in `own` that references a VNet in `other`. */
function auxiliaryTenants(own: PeeringVnet, other: PeeringVnet): string[] | undefined {
  return own.tenantId === other.tenantId ? undefined : [other.tenantId];
}

interface SideResult {
  /** The actions for this side (a delete before a re-create of a Disconnected peering, then the PUT). */
  actions: PlanAction[];
  checks: PlanCheck[];
}

/**
 * One direction of a pair: the peering on `local` pointing at `remote`. An existing peering to the
 * same remote is reused whatever its name (`same` when already as planned, `differs` otherwise);
 * a Disconnected one is deleted and created again, since Azure reconnects a peering only that way.
 */
function planSide(list: ActionList, local: PeeringVnet, remote: PeeringVnet, wantedName: string, settings: PeeringSettings, dependsOn: string[]): SideResult {
  const checks: PlanCheck[] = [];
  const existing = local.peerings.find((peering) => peering.remoteVnetId === remote.id);
  const name = existing?.name ?? wantedName;
  const resourceId = `${local.armId}/virtualNetworkPeerings/${name}`;
  // An update keeps what the peering holds beyond the wizard's settings; a re-create of a
  // Disconnected peering keeps its subnet-peering choice (Azure computes the address spaces again).
  const kept = existing ? keptPeeringProperties(existing, existing.peeringState === 'Disconnected' ? 'create' : 'update') : {};
  const body = peeringBody(remote, settings, kept);
  const aux = auxiliaryTenants(local, remote);
  const common = { kind: 'put' as const, resourceId, resourceType: peeringResourceType, apiVersion: peeringApiVersion, body, tenantId: local.tenantId, ...(aux ? { auxiliaryTenantIds: aux } : {}) };

  if (!existing) {
    const taken = local.peerings.find((peering) => peering.name.toLowerCase() === name.toLowerCase());
    if (taken) {
      checks.push({
        id: `name:${local.name}:${name}`,
        title: `Peering name ${name} on ${local.name}`,
        status: 'failed',
        detail: `${local.name} already has a peering named ${name}, to ${taken.remoteVnetArmId ? nameOf(taken.remoteVnetArmId) : 'another network'}. Choose another name.`,
      });
    }
    const action = list.add({ ...common, title: `Create peering ${name} on ${local.name} to ${remote.name} (${describeSettings(settings)})`, dependsOn, existing: 'absent', undo: { kind: 'delete' } });
    return { actions: [action], checks };
  }

  if (existing.peeringState === 'Disconnected') {
    const remove = list.add({
      kind: 'delete',
      resourceId,
      resourceType: peeringResourceType,
      apiVersion: peeringApiVersion,
      tenantId: local.tenantId,
      title: `Delete Disconnected peering ${name} on ${local.name}`,
      dependsOn,
      existing: 'differs',
      undo: { kind: 'put', body: bodyOfExisting(existing, 'create') },
      impact: `Traffic between ${local.name} and ${remote.name} stays blocked until both sides are Connected again.`,
    });
    const create = list.add({ ...common, title: `Create peering ${name} on ${local.name} to ${remote.name} again (${describeSettings(settings)})`, dependsOn: [remove.id], existing: 'absent', undo: { kind: 'delete' } });
    checks.push({
      id: `disconnected:${local.name}:${name}`,
      title: `Peering ${name} on ${local.name} is Disconnected`,
      status: 'fixed',
      detail: `${name} lost its other side; Azure reconnects it only when it is deleted and created again, which this plan does.`,
      fixedBy: [remove.id, create.id],
    });
    return { actions: [remove, create], checks };
  }

  if (sameSettings(existing, settings)) {
    const action = list.add({ ...common, title: `Keep peering ${name} on ${local.name} to ${remote.name} (${existing.peeringState})`, dependsOn, existing: 'same' });
    return { actions: [action], checks };
  }
  const action = list.add({
    ...common,
    title: `Update peering ${name} on ${local.name} to ${remote.name} (${describeSettings(settings)})`,
    dependsOn,
    existing: 'differs',
    undo: { kind: 'put', body: bodyOfExisting(existing) },
  });
  return { actions: [action], checks };
}

/** The id of the side's last action (the PUT), which the other side depends on. */
function lastId(side: SideResult): string {
  return side.actions[side.actions.length - 1].id;
}

/**
 * Hub-and-spoke peering: for each spoke, the peering on the spoke to the hub, then the one on the hub
 * to the spoke, depending on the first; with the hub's gateway the hub side goes first instead, as
 * Azure wants gateway transit allowed before a spoke uses remote gateways. Checks refuse
 * self-peering, hub↔spoke overlaps, overlaps with networks already peered and between spokes, invalid or taken names and impossible gateway settings.
 */
export function planPeering(answers: PeeringAnswers): Plan {
  const { hub } = answers;
  const spokes = answers.spokes.filter((spoke, index) => answers.spokes.findIndex((other) => other.id === spoke.id) === index);
  const list = new ActionList();
  const checks: PlanCheck[] = [];
  const warnings: string[] = [];

  if (spokes.length === 0) {
    checks.push({ id: 'spokes', title: 'Spokes', status: 'failed', detail: `No spoke was chosen to peer with ${hub.name}.` });
  }
  const hubSettings: PeeringSettings = { allowForwardedTraffic: answers.allowForwardedTraffic, allowGatewayTransit: answers.useHubGateway, useRemoteGateways: false };
  const spokeSettings: PeeringSettings = { allowForwardedTraffic: answers.allowForwardedTraffic, allowGatewayTransit: false, useRemoteGateways: answers.useHubGateway };

  for (const spoke of spokes) {
    const self = selfPeeringCheck(hub, spoke);
    if (self) {
      checks.push(self);
      continue;
    }
    checks.push(overlapCheck(hub, spoke));
    const peered = peeredOverlapCheck(hub, spoke);
    if (peered) {
      checks.push(peered);
    }
    const names = answers.names[spoke.id] ?? { hubSide: `${hub.name}-to-${spoke.name}`, spokeSide: `${spoke.name}-to-${hub.name}` };
    for (const [side, name] of [[hub, names.hubSide], [spoke, names.spokeSide]] as const) {
      const problem = validatePeeringName(name);
      if (problem) {
        checks.push({ id: `nameValid:${side.name}:${name}`, title: `Peering name ${name || '(empty)'}`, status: 'failed', detail: `${name || 'The name'} on ${side.name}: ${problem}` });
      }
    }
    // With the hub's gateway, Azure refuses `useRemoteGateways` on the spoke side until the hub side
    // allows gateway transit, so the hub side goes first. Without it the spoke side goes first: a
    // spoke that used the hub's gateway must stop before the hub side stops allowing transit.
    // "Undo Created" runs in reverse, so it always undoes the later side first.
    let spokeSide: SideResult;
    let hubSide: SideResult;
    if (answers.useHubGateway) {
      hubSide = planSide(list, hub, spoke, names.hubSide, hubSettings, []);
      spokeSide = planSide(list, spoke, hub, names.spokeSide, spokeSettings, [lastId(hubSide)]);
    } else {
      spokeSide = planSide(list, spoke, hub, names.spokeSide, spokeSettings, []);
      hubSide = planSide(list, hub, spoke, names.hubSide, hubSettings, [lastId(spokeSide)]);
    }
    checks.push(...spokeSide.checks, ...hubSide.checks);
    const kept = [...spokeSide.actions, ...hubSide.actions].filter((action) => action.existing !== 'absent');
    if (kept.length > 0) {
      checks.push({
        id: `existing:${spoke.name}`,
        title: `Existing peerings between ${hub.name} and ${spoke.name}`,
        status: 'passed',
        detail: kept.map((action) => `${nameOf(action.resourceId)} on ${nameOf(parentId(action.resourceId))} ${action.existing === 'same' ? 'is already as planned' : 'will be updated'}`).join('; ') + '.',
      });
    }
    if (hub.location !== spoke.location && hub.location !== '' && spoke.location !== '') {
      warnings.push(`${hub.name} (${hub.location}) and ${spoke.name} (${spoke.location}) are in different regions: global VNet peering charges for data in both directions.`);
    }
  }
  const spokeOverlap = spokeOverlapCheck(spokes.filter((spoke) => spoke.id !== hub.id));
  if (spokeOverlap) {
    checks.push(spokeOverlap);
  }
  if (answers.useHubGateway) {
    checks.push(...gatewayChecks(hub, spokes));
  }
  const crossTenant = crossTenantCheck(hub, spokes);
  if (crossTenant) {
    checks.push(crossTenant);
  }

  const spokeNames = spokes.map((spoke) => spoke.name);
  return {
    kind: 'peering',
    title: spokes.length === 1 ? `Peer ${hub.name} with ${spokes[0].name}` : `Peer ${hub.name} with ${spokes.length} spokes`,
    summary: [
      `Hub: ${hub.name} (${hub.addressSpace.join(', ') || 'no address space'}, ${hub.subscriptionName}).`,
      `Spokes: ${spokeNames.join(', ') || 'none'}.`,
      `Each pair gets a peering in both directions; forwarded traffic ${answers.allowForwardedTraffic ? 'allowed' : 'blocked'}${answers.useHubGateway ? `; spokes use ${hub.name}'s gateway` : ''}.`,
    ],
    checks,
    warnings,
    actions: serializeVirtualNetworkWrites(list.actions),
  };
}

/** A peering to sync, with the VNet it belongs to and (when the tree shows it) the remote VNet. */
export interface SyncTarget {
  peering: PeeringRef;
  local: PeeringVnet;
  remote?: PeeringVnet;
}

/** True when this peering's own view of the remote address space is stale (the sync is sent on it). */
export function needsLocalSync(peering: PeeringRef): boolean {
  return peering.syncLevel === 'LocalNotInSync' || peering.syncLevel === 'LocalAndRemoteNotInSync';
}

/**
 * The peerings to sync for a peering or VNet the user picked: a peering whose own copy of the remote
 * address space is stale (`LocalNotInSync`) is synced itself; one whose remote side is stale
 * (`RemoteNotInSync`) gets the remote VNet's peering back synced, as Azure wants the sync called on
 * the peering of the network that did not change.
 */
export function syncTargetsFor(peerings: readonly PeeringRef[], vnets: ReadonlyMap<string, PeeringVnet>): { targets: SyncTarget[]; missing: string[] } {
  const targets = new Map<string, SyncTarget>();
  const missing: string[] = [];
  for (const peering of peerings) {
    const local = vnets.get(peering.vnetId);
    const remote = peering.remoteVnetId ? vnets.get(peering.remoteVnetId) : undefined;
    if (!local) {
      continue;
    }
    if (isInSync(peering) || needsLocalSync(peering)) {
      targets.set(peering.id, { peering, local, remote });
    }
    if (peering.syncLevel === 'RemoteNotInSync' || peering.syncLevel === 'LocalAndRemoteNotInSync') {
      const back = remote?.peerings.find((candidate) => candidate.remoteVnetId === local.id);
      if (remote && back) {
        targets.set(back.id, { peering: back, local: remote, remote: local });
      } else {
        missing.push(`${peering.name}: the peering back from ${peering.remoteVnetArmId ? nameOf(peering.remoteVnetArmId) : 'the remote network'} is not in the subscriptions shown`);
      }
    }
  }
  return { targets: [...targets.values()], missing };
}

/**
 * Sync Peering: a PUT of each peering as it is, with `syncRemoteAddressSpace=true`
 * (VirtualNetworkPeeringSync.json), so it takes the remote network's current address space. A
 * peering already in sync is `same` and nothing is sent for it.
 */
export function planPeeringSync(targets: readonly SyncTarget[], missing: readonly string[] = []): Plan {
  const list = new ActionList();
  const checks: PlanCheck[] = [];
  for (const { peering, local, remote } of targets) {
    const inSync = isInSync(peering);
    const aux = remote && remote.tenantId !== local.tenantId ? [remote.tenantId] : undefined;
    list.add({
      kind: 'put',
      title: inSync ? `Keep peering ${peering.name} on ${local.name} (in sync)` : `Sync peering ${peering.name} on ${local.name} with the address space of ${remote?.name ?? (peering.remoteVnetArmId ? nameOf(peering.remoteVnetArmId) : 'its remote network')}`,
      resourceId: peering.armId,
      resourceType: peeringResourceType,
      apiVersion: peeringApiVersion,
      query: { syncRemoteAddressSpace: 'true' },
      body: bodyOfExisting(peering),
      dependsOn: [],
      tenantId: local.tenantId,
      ...(aux ? { auxiliaryTenantIds: aux } : {}),
      existing: inSync ? 'same' : 'differs',
      undo: { kind: 'none', reason: 'A sync only refreshes the remote address space the peering uses.' },
    });
    if (peering.peeringState !== 'Connected') {
      checks.push({
        id: `state:${peering.name}`,
        title: `Peering ${peering.name} state`,
        status: 'failed',
        detail: `${peering.name} on ${local.name} is ${peering.peeringState}; only a Connected peering can be synced. Peer both sides first.`,
      });
    }
  }
  if (targets.length === 0) {
    checks.push({ id: 'targets', title: 'Peerings to sync', status: 'failed', detail: 'None of the chosen peerings can be synced from the subscriptions shown.' });
  }
  for (const reason of missing) {
    checks.push({ id: `missing:${reason.split(':')[0]}`, title: 'Remote side not shown', status: 'warning', detail: `${reason}; sync it from its own subscription.` });
  }
  const pending = targets.filter((target) => !isInSync(target.peering));
  return {
    kind: 'syncPeering',
    title: targets.length === 1 ? `Sync peering ${targets[0].peering.name}` : `Sync ${targets.length} peerings`,
    summary: [
      pending.length === 0
        ? 'Every chosen peering is already in sync with its remote address space.'
        : `${pending.map((target) => `${target.peering.name} (${target.peering.syncLevel})`).join(', ')} will take the current address space of ${pending.length === 1 ? 'its' : 'their'} remote network${pending.length === 1 ? '' : 's'}.`,
    ],
    checks,
    warnings: [],
    actions: serializeVirtualNetworkWrites(list.actions),
  };
}
