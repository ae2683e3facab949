/**
 * Names the addresses of a dependency map from the signed-in inventory: the NIC (and VM) that has
 * the address, else the subnet or virtual network whose prefixes hold it, else what its range says
 * (Azure's platform addresses, a private range outside the inventory, or the internet).
 * Pure: the host builds the address book from its inventory.
 */
import ipaddr from 'ipaddr.js';
import type { DependencyMapModel, EndpointKind, MapEdges, MapEndpoint } from '../core/dependencyMap';

/** The parts of the inventory the naming needs (`VnetRef` and `NicRef` satisfy them). */
export interface AddressBookVnet {
  /** Lower-cased ARM id. */
  id: string;
  name: string;
  addressSpace: readonly string[];
  subnets: readonly { id: string; name: string; addressPrefixes: readonly string[] }[];
}

export interface AddressBookNic {
  id: string;
  name: string;
  privateIpAddresses: readonly string[];
  /** Lower-cased subnet ids of its IP configurations. */
  subnetIds: readonly string[];
  virtualMachineName?: string;
}

export interface AddressBook {
  vnets: readonly AddressBookVnet[];
  nics: readonly AddressBookNic[];
}

/**
 * Azure's platform addresses, the same in every network: the virtual public address for DNS, DHCP,
 * the VM agent and load-balancer health probes, and the instance metadata service.
 * https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16
 * https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service
 */
const azurePlatformAddresses = new Set(['168.63.129.16', '169.254.169.254']);

/** ipaddr.js ranges that are not reachable from the internet: RFC 1918, shared address space (RFC 6598), IPv6 unique local. */
const privateRanges = new Set(['private', 'carrierGradeNat', 'uniqueLocal', 'loopback', 'linkLocal']);

interface Block {
  kind: 'ipv4' | 'ipv6';
  network: ipaddr.IPv4 | ipaddr.IPv6;
  length: number;
}

function parseBlock(prefix: string): Block | undefined {
  try {
    const [network, length] = ipaddr.parseCIDR(prefix.trim());
    return { kind: network.kind(), network, length };
  } catch {
    return undefined;
  }
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const parsed = ipaddr.parse(address.trim());
    return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  } catch {
    return undefined;
  }
}

function inBlock(address: ipaddr.IPv4 | ipaddr.IPv6, block: Block): boolean {
  return address.kind() === block.kind && address.match(block.network, block.length);
}

interface SubnetEntry {
  vnet: AddressBookVnet;
  name: string;
  blocks: Block[];
  prefixes: string[];
}

/** Turns addresses into named endpoints; build once per map, it parses the book's prefixes once. */
export class EndpointNamer {
  private readonly nicByIp = new Map<string, { nic: AddressBookNic; subnetId?: string }>();
  private readonly subnets: SubnetEntry[] = [];
  private readonly subnetById = new Map<string, SubnetEntry>();
  private readonly vnets: { vnet: AddressBookVnet; blocks: Block[] }[] = [];

  constructor(book: AddressBook) {
    const sharedIps = new Set<string>();
    for (const nic of book.nics) {
      for (const ip of nic.privateIpAddresses) {
        const key = ip.toLowerCase();
        const known = this.nicByIp.get(key);
        if (known !== undefined && known.nic.id !== nic.id) {
          // The same private range in two networks: the address names neither NIC.
          sharedIps.add(key);
        }
        this.nicByIp.set(key, { nic, ...(nic.subnetIds[0] === undefined ? {} : { subnetId: nic.subnetIds[0] }) });
      }
    }
    for (const ip of sharedIps) {
      this.nicByIp.delete(ip);
    }
    for (const vnet of book.vnets) {
      this.vnets.push({ vnet, blocks: vnet.addressSpace.flatMap((prefix) => parseBlock(prefix) ?? []) });
      for (const subnet of vnet.subnets) {
        const entry: SubnetEntry = { vnet, name: subnet.name, blocks: subnet.addressPrefixes.flatMap((prefix) => parseBlock(prefix) ?? []), prefixes: [...subnet.addressPrefixes] };
        this.subnets.push(entry);
        this.subnetById.set(subnet.id.toLowerCase(), entry);
      }
    }
  }

  name(ip: string): MapEndpoint {
    const nicEntry = this.nicByIp.get(ip.toLowerCase());
    if (nicEntry !== undefined) {
      const subnet = nicEntry.subnetId === undefined ? undefined : this.subnetById.get(nicEntry.subnetId);
      return {
        ip,
        kind: 'nic',
        nic: nicEntry.nic.name,
        ...(nicEntry.nic.virtualMachineName === undefined || nicEntry.nic.virtualMachineName === '' ? {} : { vm: nicEntry.nic.virtualMachineName }),
        ...(subnet === undefined ? {} : this.placeIn(subnet)),
      };
    }
    if (azurePlatformAddresses.has(ip)) {
      return { ip, kind: 'azure' };
    }
    const address = parseAddress(ip);
    if (address === undefined) {
      return { ip, kind: 'internet' };
    }
    const subnets = this.subnets.filter((entry) => entry.blocks.some((block) => inBlock(address, block)));
    if (subnets.length === 1) {
      return { ip, kind: 'subnet', ...this.placeIn(subnets[0]) };
    }
    const vnets = this.vnets.filter((entry) => entry.blocks.some((block) => inBlock(address, block)));
    if (subnets.length === 0 && vnets.length === 1) {
      const { vnet } = vnets[0];
      return { ip, kind: 'vnet', vnet: vnet.name, vnetId: vnet.id, vnetPrefixes: [...vnet.addressSpace] };
    }
    // In no listed network, or in several (overlapping address spaces): its range is all it says.
    const kind: EndpointKind = privateRanges.has(address.range()) ? 'private' : 'internet';
    return { ip, kind };
  }

  private placeIn(subnet: SubnetEntry): Pick<MapEndpoint, 'subnet' | 'vnet' | 'vnetId' | 'subnetPrefixes' | 'vnetPrefixes'> {
    return { subnet: subnet.name, vnet: subnet.vnet.name, vnetId: subnet.vnet.id, subnetPrefixes: subnet.prefixes, vnetPrefixes: [...subnet.vnet.addressSpace] };
  }
}

/** Names addresses by their range alone, for a map built without the inventory (signed out). */
export function unnamedEndpoint(ip: string): MapEndpoint {
  if (azurePlatformAddresses.has(ip)) {
    return { ip, kind: 'azure' };
  }
  const address = parseAddress(ip);
  return { ip, kind: address !== undefined && privateRanges.has(address.range()) ? 'private' : 'internet' };
}

/** The map's model: the builder's edges with every address named (by range alone without a book). */
export function namedMap(edges: MapEdges, source: string, book: AddressBook | undefined): DependencyMapModel {
  const namer = book === undefined ? undefined : new EndpointNamer(book);
  return {
    source,
    endpoints: edges.ips.map((ip) => (namer === undefined ? unnamedEndpoint(ip) : namer.name(ip))),
    edges: edges.edges,
    tuples: edges.tuples,
    named: namer !== undefined,
  };
}
