/**
 * The dependency map's model, shared by the host (which builds it from flows and exports it) and
 * the map's page (which groups, filters and draws it). Pure: no `vscode`, no DOM.
 *
 * The model keeps one node per address and one edge per (source, destination, protocol,
 * destination port): the page groups them by VM, subnet or virtual network without asking the
 * host again, and every export writes exactly what the page shows.
 */

import { protocolName } from './observedFlow';
import type { RowFilter } from './viewerProtocol';

/** What an address turned out to be, from the signed-in inventory and the address's range. */
export type EndpointKind =
  /** A NIC the inventory lists (with its VM when it has one). */
  | 'nic'
  /** Inside a subnet the inventory lists, on no NIC it knows (a load balancer's frontend, a private endpoint the list missed…). */
  | 'subnet'
  /** Inside a virtual network's address space, in no subnet it lists. */
  | 'vnet'
  /** Azure's own platform addresses: 168.63.129.16 (DNS, DHCP, health probes) and 169.254.169.254 (instance metadata). */
  | 'azure'
  /** A private address (RFC 1918, shared 100.64/10, IPv6 unique local) in no network the inventory lists. */
  | 'private'
  /** Any other address: the internet, including other organisations' and Azure's public addresses. */
  | 'internet';

export interface MapEndpoint {
  /** The address as the flows wrote it. */
  ip: string;
  kind: EndpointKind;
  nic?: string;
  vm?: string;
  /** Subnet and virtual network names, with the virtual network's lower-cased ARM id to tell two networks of one name apart. */
  subnet?: string;
  vnet?: string;
  vnetId?: string;
  /** The subnet's and network's prefixes, so an edge can open the viewer filtered to a whole group. */
  subnetPrefixes?: string[];
  vnetPrefixes?: string[];
}

/** What an edge says, between an address and another or a group and another. */
export interface EdgeFigures {
  /** The flow's initiator and its peer: indexes into the model's endpoints, or into a grouped map's nodes. */
  source: number;
  target: number;
  /** IANA protocol number. */
  protocol: number;
  /** The destination (service) port; 0 for protocols without ports. */
  port: number;
  /** Connections opened (a begin tuple, or a tuple of a log without states) and attempts denied. */
  connections: number;
  allowed: number;
  denied: number;
  /** Bytes and packets both ways, where the log counted them. */
  bytes: number;
  packets: number;
  /** Epoch ms of the first and last tuple. */
  firstSeen: number;
  lastSeen: number;
}

export interface MapEdge extends EdgeFigures {
  /** Processes a connection snapshot saw on either end, `nginx (vm-web-01)`. */
  processes?: string[];
  /** Of a map of several files: the index of the first file it was seen in (absent for the first file). */
  firstFile?: number;
}

/** A map's edges before its addresses are named: what a decode worker sends its host. */
export interface MapEdges {
  /** The addresses, as the flows wrote them; edges point into this list. */
  ips: string[];
  edges: MapEdge[];
  tuples: number;
}

export interface DependencyMapModel {
  /** What the map was built from, for the title: `PT1H.json`, `3 files in flowlogs/`, … */
  source: string;
  endpoints: MapEndpoint[];
  edges: MapEdge[];
  /** Tuples read to build it. */
  tuples: number;
  /** Whether the inventory was available to name addresses. */
  named: boolean;
}

export type MapGrouping = 'endpoint' | 'vm' | 'subnet' | 'vnet';

export interface MapFilter {
  /** Case-insensitive substring of a node's label or address: keeps the edges touching a matching node. */
  text?: string;
  decision?: 'allow' | 'deny';
  /** IANA protocol number. */
  protocol?: number;
  port?: number;
}

export interface GroupNode {
  /** Stable key within one grouping (`vm:/subscriptions/…/vm-web-01`, `internet`). */
  key: string;
  label: string;
  kind: EndpointKind;
  /** The addresses behind it. */
  addresses: string[];
  /** For a subnet or network node: the name of the network or subnet it belongs to, shown under the label. */
  detail?: string;
}

export interface GroupEdge extends EdgeFigures {
  processes: string[];
  /** Indexes of the model's edges merged into this one. */
  edges: number[];
}

export interface GroupedMap {
  nodes: GroupNode[];
  edges: GroupEdge[];
}

export { protocolName };

/** `TCP 443`, `UDP 53`, `ICMP`. */
export function serviceLabel(edge: { protocol: number; port: number }): string {
  return edge.protocol === 6 || edge.protocol === 17 ? `${protocolName(edge.protocol)} ${edge.port}` : protocolName(edge.protocol);
}

/** How one address is named at the endpoint level: `10.0.1.4 · vm-web-01`. */
export function endpointLabel(endpoint: MapEndpoint): string {
  const owner = endpoint.vm ?? endpoint.nic;
  return owner === undefined ? endpoint.ip : `${endpoint.ip} · ${owner}`;
}

function groupOf(endpoint: MapEndpoint, grouping: MapGrouping): { key: string; label: string; kind: EndpointKind; detail?: string } {
  if (grouping === 'endpoint') {
    return { key: `ip:${endpoint.ip}`, label: endpointLabel(endpoint), kind: endpoint.kind };
  }
  switch (endpoint.kind) {
    case 'internet':
      return { key: 'internet', label: 'Internet', kind: 'internet' };
    case 'azure':
      return { key: `azure:${endpoint.ip}`, label: endpoint.ip === '168.63.129.16' ? 'Azure platform (168.63.129.16)' : `Azure platform (${endpoint.ip})`, kind: 'azure' };
    case 'private':
      return grouping === 'vm' ? { key: `ip:${endpoint.ip}`, label: endpoint.ip, kind: 'private' } : { key: 'private', label: 'Private addresses outside the inventory', kind: 'private' };
    default:
      break;
  }
  const vnetKey = endpoint.vnetId ?? endpoint.vnet ?? '';
  if (grouping === 'vnet' || (grouping === 'subnet' && endpoint.subnet === undefined)) {
    return { key: `vnet:${vnetKey}`, label: endpoint.vnet ?? endpoint.ip, kind: 'vnet' };
  }
  if (grouping === 'subnet') {
    return { key: `subnet:${vnetKey}/${endpoint.subnet ?? ''}`, label: endpoint.subnet ?? endpoint.ip, kind: 'subnet', ...(endpoint.vnet === undefined ? {} : { detail: endpoint.vnet }) };
  }
  // By VM: a NIC without a VM stands for itself; an address on no known NIC stays an address.
  if (endpoint.kind === 'nic') {
    const owner = endpoint.vm ?? endpoint.nic ?? endpoint.ip;
    return { key: `vm:${vnetKey}/${owner}`, label: owner, kind: 'nic', ...(endpoint.subnet === undefined ? {} : { detail: endpoint.subnet }) };
  }
  return { key: `ip:${endpoint.ip}`, label: endpoint.ip, kind: endpoint.kind, ...(endpoint.subnet === undefined ? {} : { detail: endpoint.subnet }) };
}

function endpointMatches(endpoint: MapEndpoint, text: string): boolean {
  return [endpoint.ip, endpoint.nic, endpoint.vm, endpoint.subnet, endpoint.vnet].some((value) => value !== undefined && value.toLowerCase().includes(text));
}

/**
 * Groups the model's addresses at one level and merges the edges that then join the same two
 * groups with the same protocol and port. The filter applies to the model's edges first, so the
 * groups' figures count only what it keeps.
 */
export function groupMap(model: DependencyMapModel, grouping: MapGrouping, filter: MapFilter = {}): GroupedMap {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const nodes: GroupNode[] = [];
  const nodeByKey = new Map<string, number>();
  const endpointNode = new Int32Array(model.endpoints.length).fill(-1);
  const nodeOf = (index: number): number => {
    let node = endpointNode[index];
    if (node >= 0) {
      return node;
    }
    const endpoint = model.endpoints[index];
    const group = groupOf(endpoint, grouping);
    node = nodeByKey.get(group.key) ?? -1;
    if (node < 0) {
      node = nodes.length;
      nodeByKey.set(group.key, node);
      nodes.push({ key: group.key, label: group.label, kind: group.kind, addresses: [], ...(group.detail === undefined ? {} : { detail: group.detail }) });
    }
    nodes[node].addresses.push(endpoint.ip);
    endpointNode[index] = node;
    return node;
  };
  const matchesText = text === '' ? undefined : model.endpoints.map((endpoint) => endpointMatches(endpoint, text) || groupOf(endpoint, grouping).label.toLowerCase().includes(text));
  const edges: GroupEdge[] = [];
  const edgeByKey = new Map<string, number>();
  model.edges.forEach((edge, index) => {
    if (filter.protocol !== undefined && edge.protocol !== filter.protocol) {
      return;
    }
    if (filter.port !== undefined && edge.port !== filter.port) {
      return;
    }
    if ((filter.decision === 'allow' && edge.allowed === 0) || (filter.decision === 'deny' && edge.denied === 0)) {
      return;
    }
    if (matchesText !== undefined && !matchesText[edge.source] && !matchesText[edge.target]) {
      return;
    }
    const source = nodeOf(edge.source);
    const target = nodeOf(edge.target);
    const key = `${source}>${target}/${edge.protocol}/${edge.port}`;
    let merged = edgeByKey.get(key);
    if (merged === undefined) {
      merged = edges.length;
      edgeByKey.set(key, merged);
      edges.push({
        source,
        target,
        protocol: edge.protocol,
        port: edge.port,
        connections: 0,
        allowed: 0,
        denied: 0,
        bytes: 0,
        packets: 0,
        firstSeen: edge.firstSeen,
        lastSeen: edge.lastSeen,
        processes: [],
        edges: [],
      });
    }
    const into = edges[merged];
    into.connections += edge.connections;
    into.allowed += edge.allowed;
    into.denied += edge.denied;
    into.bytes += edge.bytes;
    into.packets += edge.packets;
    into.firstSeen = Math.min(into.firstSeen, edge.firstSeen);
    into.lastSeen = Math.max(into.lastSeen, edge.lastSeen);
    for (const process of edge.processes ?? []) {
      if (!into.processes.includes(process)) {
        into.processes.push(process);
      }
    }
    into.edges.push(index);
  });
  return { nodes, edges };
}

export type MapExportFormat = 'csv' | 'mermaid' | 'dot';

/** What the host sends the map's page. */
export type HostToMap =
  /** `canShowFlows` is false for a map of connection snapshots alone: there are no flows behind its edges. */
  | { type: 'init'; model: DependencyMapModel; grouping: MapGrouping; canShowFlows: boolean }
  | { type: 'exported'; path: string; edges: number }
  | { type: 'problem'; message: string };

/**
 * What the map's page sends its host. `edge` is an index into `groupMap(model, grouping, filter).edges`:
 * the host groups the same model the same way to find the flows behind it.
 */
export type MapToHost =
  | { type: 'ready' }
  | { type: 'openEdge'; grouping: MapGrouping; filter: MapFilter; edge: number }
  | { type: 'export'; format: MapExportFormat; grouping: MapGrouping; filter: MapFilter };

const groupings: Record<MapGrouping, true> = { endpoint: true, vm: true, subnet: true, vnet: true };
const exportFormats: Record<MapExportFormat, true> = { csv: true, mermaid: true, dot: true };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWhole(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

/** Why a filter the page sent cannot be used, or undefined when it can. */
function filterProblem(value: unknown): string | undefined {
  if (!isRecord(value)) {
    return 'filter: not an object';
  }
  const { text, decision, protocol, port } = value;
  if (text !== undefined && (typeof text !== 'string' || text.length > 200)) {
    return 'filter.text: not a string of at most 200 characters';
  }
  if (decision !== undefined && decision !== 'allow' && decision !== 'deny') {
    return 'filter.decision: neither "allow" nor "deny"';
  }
  if (protocol !== undefined && !isWhole(protocol, 255)) {
    return 'filter.protocol: not a protocol number 0–255';
  }
  if (port !== undefined && !isWhole(port, 65535)) {
    return 'filter.port: not a port 0–65535';
  }
  return undefined;
}

/** Checks a message from the map's page field by field; a refusal names the field. */
export function checkMapToHost(value: unknown): { message: MapToHost } | { problem: string } {
  if (!isRecord(value) || typeof value.type !== 'string') {
    return { problem: 'type: missing' };
  }
  switch (value.type) {
    case 'ready':
      return { message: { type: 'ready' } };
    case 'openEdge':
    case 'export': {
      if (typeof value.grouping !== 'string' || !(value.grouping in groupings)) {
        return { problem: 'grouping: not endpoint, vm, subnet or vnet' };
      }
      const problem = filterProblem(value.filter);
      if (problem !== undefined) {
        return { problem };
      }
      const grouping = value.grouping as MapGrouping;
      const filter = value.filter as MapFilter;
      if (value.type === 'openEdge') {
        return isWhole(value.edge, 2 ** 31) ? { message: { type: 'openEdge', grouping, filter, edge: value.edge } } : { problem: 'edge: not an edge index' };
      }
      return typeof value.format === 'string' && value.format in exportFormats
        ? { message: { type: 'export', format: value.format as MapExportFormat, grouping, filter } }
        : { problem: 'format: not csv, mermaid or dot' };
    }
    default:
      return { problem: `type: "${value.type.slice(0, 40)}" is not a message the map sends` };
  }
}

/** Most addresses an edge's viewer filter lists one by one; a larger group filters by its prefixes or not at all. */
const maxListedAddresses = 100;

/** How the viewer's filter names one end of an edge: its subnet's or network's prefixes, or its addresses. */
function endFilter(byIp: ReadonlyMap<string, MapEndpoint>, node: GroupNode, grouping: MapGrouping): string | undefined {
  if (node.kind === 'internet' && grouping !== 'endpoint') {
    // "Anything public" is no list of prefixes: the other end and the service narrow the flows instead.
    return undefined;
  }
  const endpoints = node.addresses.map((ip) => byIp.get(ip));
  const prefixesOf = (pick: (endpoint: MapEndpoint) => string[] | undefined): string[] | undefined => {
    const all = new Set<string>();
    for (const endpoint of endpoints) {
      const prefixes = endpoint === undefined ? undefined : pick(endpoint);
      if (prefixes === undefined || prefixes.length === 0) {
        return undefined;
      }
      prefixes.forEach((prefix) => all.add(prefix));
    }
    return [...all];
  };
  const prefixes = grouping === 'vnet' ? prefixesOf((endpoint) => endpoint.vnetPrefixes) : grouping === 'subnet' ? prefixesOf((endpoint) => endpoint.subnetPrefixes) : undefined;
  if (prefixes !== undefined) {
    return prefixes.join(', ');
  }
  return node.addresses.length <= maxListedAddresses ? node.addresses.join(', ') : undefined;
}

/** The viewer filter that shows the flows behind one edge of a grouped map. */
export function edgeRowFilter(model: DependencyMapModel, map: GroupedMap, edge: GroupEdge, grouping: MapGrouping): RowFilter {
  const filter: RowFilter = { protocols: [edge.protocol] };
  const byIp = new Map(model.endpoints.map((endpoint) => [endpoint.ip, endpoint]));
  const source = endFilter(byIp, map.nodes[edge.source], grouping);
  const target = endFilter(byIp, map.nodes[edge.target], grouping);
  if (source !== undefined) {
    filter.srcIp = source;
  }
  if (target !== undefined) {
    filter.dstIp = target;
  }
  if (edge.protocol === 6 || edge.protocol === 17) {
    filter.port = String(edge.port);
  }
  return filter;
}
