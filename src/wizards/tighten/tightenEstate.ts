/**
 * What "Tighten NSG from Traffic…" reads: the NSGs of the shown subscriptions (listed again so the
 * plan sees Azure as it is now), the network interfaces whose traffic meets one (on its subnets, or
 * attached to it) with the NSGs on their paths and their VirtualNetwork tag, the flow logs that log
 * those interfaces, and for the chosen NSG its body as ARM returns it.
 */
import { idKey, nameOf, parentId } from '../../azure/armIds';
import type { FlowLogRef, NicRef, NsgRef, VnetRef } from '../../azure/networkApi';
import { ResourceReads } from '../../azure/resourceReads';
import { normalizeMac } from '../../core/blobPath';
import type { EstateSubscription } from '../../inventory/estate';
import { networkApiVersion } from '../shared/apiVersions';
import { estateEntryOf, reloadSections } from '../shared/estate';
import { ruleFromText, type NsgPath } from './nsgEvaluator';
import { currentRules } from './plan';
import type { InterfaceScope } from './ruleSynthesis';
import type { RawResource, TightenFacts, TightenNsg } from './tightenFacts';

/** Turns a failed read into the error the user sees, naming `what`. */
export type ReadFailure = (what: string, error: unknown) => unknown;

export interface TightenEstate {
  subscriptions: EstateSubscription[];
  /** Every NSG of the shown subscriptions, sorted by name. */
  nsgs: TightenNsg[];
  /** The network interfaces whose traffic meets the NSG, with the NSGs on their paths as the inventory read them. */
  interfacesOf(nsgId: string): InterfaceScope[];
  /** The flow logs that log those interfaces: on the NSG itself, or on their VNet, subnet or NIC. */
  flowLogsOf(nsgId: string): FlowLogRef[];
  /** The NSG as ARM returns it now; a failed read throws with what could not be read. */
  readNsg(nsgId: string, signal?: AbortSignal): Promise<RawResource>;
  /** The NSG a tree row stands for: the NSG itself, a subnet's NSG, or a NIC's own NSG (else its subnet's). */
  nsgOfRow(armId: string): string | undefined;
  /** The network interface's lower-cased id for a MAC as flow logs write it. */
  nicIdOfMac(mac: string): string | undefined;
  /** Everything the plan needs, the NSG's rules taken from `raw` (as read now) wherever it sits on a path. */
  facts(nsgId: string, raw: RawResource, window: { from: number; to: number; source: string }): TightenFacts;
}

export async function readTightenEstate(subscriptions: EstateSubscription[], fail: ReadFailure): Promise<TightenEstate> {
  await Promise.all(subscriptions.map((entry) => reloadSections(entry, 'vnets', 'nics', 'nsgs', 'watchers')));
  const vnets = new Map<string, VnetRef>();
  const nics = new Map<string, NicRef>();
  const nsgRefs = new Map<string, NsgRef>();
  const nicsByMac = new Map<string, NicRef>();
  const flowLogs: FlowLogRef[] = [];
  const nsgs: TightenNsg[] = [];
  for (const entry of subscriptions) {
    const index = entry.inventory.index();
    index.vnetsById.forEach((vnet, id) => vnets.set(id, vnet));
    index.nicsById.forEach((nic, id) => nics.set(id, nic));
    index.nicsByMac.forEach((nic, mac) => nicsByMac.set(mac, nic));
    index.flowLogsByTarget.forEach((list) => flowLogs.push(...list));
    const { subscriptionId, tenantId, displayName } = entry.subscription;
    for (const nsg of index.nsgsById.values()) {
      nsgRefs.set(nsg.id, nsg);
      nsgs.push({
        id: nsg.id,
        armId: nsg.armId,
        name: nsg.name,
        resourceGroup: nsg.resourceGroup,
        location: nsg.location.toLowerCase(),
        subscriptionId: subscriptionId.toLowerCase(),
        subscriptionName: displayName,
        tenantId,
        subnetIds: nsg.subnetIds,
        nicIds: nsg.nicIds,
      });
    }
  }
  nsgs.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

  const subnetNsgOf = new Map<string, string>();
  for (const vnet of vnets.values()) {
    for (const subnet of vnet.subnets) {
      if (subnet.networkSecurityGroupId !== undefined) {
        subnetNsgOf.set(subnet.id, subnet.networkSecurityGroupId);
      }
    }
  }
  const rulesOf = (nsgId: string): NsgPath['nicNsg'] => {
    const nsg = nsgRefs.get(nsgId);
    return { id: nsgId, rules: (nsg?.rules ?? []).map(ruleFromText) };
  };
  /** The VNet's space and its peered VNets' spaces (those the shown subscriptions list). */
  const virtualNetworkOf = (vnetId: string): string[] => {
    const vnet = vnets.get(vnetId);
    if (vnet === undefined) {
      return [];
    }
    const peered = vnet.peerings.flatMap((peering) => (peering.remoteVnetId === undefined ? [] : (vnets.get(peering.remoteVnetId)?.addressSpace ?? [])));
    return [...new Set([...vnet.addressSpace, ...peered])];
  };
  const scopeOf = (nic: NicRef): InterfaceScope => {
    const subnetId = nic.subnetIds[0];
    const subnetNsgId = subnetId === undefined ? undefined : subnetNsgOf.get(subnetId);
    return {
      nicId: nic.id,
      name: nic.name,
      ...(nic.macAddress === undefined ? {} : { mac: normalizeMac(nic.macAddress) ?? nic.macAddress }),
      privateIps: nic.privateIpAddresses,
      path: {
        ...(subnetNsgId === undefined ? {} : { subnetNsg: rulesOf(subnetNsgId) }),
        ...(nic.networkSecurityGroupId === undefined ? {} : { nicNsg: rulesOf(nic.networkSecurityGroupId) }),
      },
      context: { virtualNetworkPrefixes: subnetId === undefined ? [] : virtualNetworkOf(parentId(subnetId)) },
    };
  };
  const interfacesOf = (nsgId: string): InterfaceScope[] =>
    [...nics.values()]
      .filter((nic) => nic.networkSecurityGroupId === nsgId || nic.subnetIds.some((subnetId) => subnetNsgOf.get(subnetId) === nsgId))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(scopeOf);

  return {
    subscriptions,
    nsgs,
    interfacesOf,
    flowLogsOf: (nsgId) => {
      const behind = [...nics.values()].filter((nic) => nic.networkSecurityGroupId === nsgId || nic.subnetIds.some((subnetId) => subnetNsgOf.get(subnetId) === nsgId));
      const targets = new Set<string>([nsgId]);
      for (const nic of behind) {
        targets.add(nic.id);
        for (const subnetId of nic.subnetIds) {
          targets.add(subnetId);
          targets.add(parentId(subnetId));
        }
      }
      return flowLogs.filter((flowLog) => flowLog.enabled && targets.has(flowLog.targetId)).sort((a, b) => a.name.localeCompare(b.name));
    },
    readNsg: async (nsgId, signal) => {
      const nsg = nsgs.find((candidate) => candidate.id === idKey(nsgId));
      const entry = nsg === undefined ? undefined : estateEntryOf(subscriptions, nsg.armId);
      if (nsg === undefined || entry === undefined) {
        throw new Error(`The network security group ${nameOf(nsgId)} is not in the subscriptions the view shows; select its subscription with "Select Subscriptions…" and try again.`);
      }
      try {
        return await new ResourceReads(entry.account).read(nsg.armId, nsg.tenantId, networkApiVersion, signal);
      } catch (error) {
        throw fail(`network security group ${nsg.name}`, error);
      }
    },
    nsgOfRow: (armId) => {
      const id = idKey(armId);
      if (nsgRefs.has(id)) {
        return id;
      }
      if (subnetNsgOf.has(id)) {
        return subnetNsgOf.get(id);
      }
      const nic = nics.get(id);
      return nic?.networkSecurityGroupId ?? nic?.subnetIds.map((subnetId) => subnetNsgOf.get(subnetId)).find((nsgId) => nsgId !== undefined);
    },
    nicIdOfMac: (mac) => nicsByMac.get(normalizeMac(mac) ?? mac)?.id,
    facts: (nsgId, raw, window) => {
      const nsg = nsgs.find((candidate) => candidate.id === nsgId);
      if (nsg === undefined) {
        throw new Error(`The network security group ${nameOf(nsgId)} is not in the subscriptions the view shows.`);
      }
      const rules = currentRules(raw);
      const interfaces = interfacesOf(nsgId).map((scope) => ({
        ...scope,
        path: {
          ...(scope.path.subnetNsg === undefined ? {} : { subnetNsg: scope.path.subnetNsg.id === nsgId ? { id: nsgId, rules } : scope.path.subnetNsg }),
          ...(scope.path.nicNsg === undefined ? {} : { nicNsg: scope.path.nicNsg.id === nsgId ? { id: nsgId, rules } : scope.path.nicNsg }),
        },
      }));
      const subnetPrefixes = [...vnets.values()].flatMap((vnet) => vnet.subnets.flatMap((subnet) => subnet.addressPrefixes));
      const vnetPrefixes = [...vnets.values()].flatMap((vnet) => vnet.addressSpace);
      return { nsg, raw, interfaces, subnetPrefixes, vnetPrefixes, ...window };
    },
  };
}
