/**
 * Adds what connection snapshots saw inside VMs to a dependency map's edges: each established
 * connection labels its edge with the process on the VM's side (`nginx (vm-web-01)`); a
 * connection no flow log showed becomes an edge of its own. Flow logs are written per NIC and miss
 * a VM talking to itself over loopback: such a connection is drawn as the VM to itself, on the
 * VM's own address.
 */
import ipaddr from 'ipaddr.js';
import type { MapEdge, MapEdges } from '../core/dependencyMap';
import { connectionsOf, type ConnectionSnapshot } from '../core/connectionSnapshot';

function isLoopback(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'loopback';
  } catch {
    return false;
  }
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '*';
}

/** The address a VM's own connections use most (its NIC's private address), for its loopback ones. */
function ownAddress(snapshot: ConnectionSnapshot): string | undefined {
  const counts = new Map<string, number>();
  for (const socket of snapshot.sockets) {
    const address = socket.local.address;
    if (!isLoopback(address) && !isUnspecified(address)) {
      counts.set(address, (counts.get(address) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** A copy of `edges` with the snapshots' connections merged in (the input is left as it was). */
export function mergeSnapshots(edges: MapEdges, snapshots: readonly ConnectionSnapshot[]): MapEdges {
  const ips = [...edges.ips];
  const ipIndex = new Map(ips.map((ip, index) => [ip, index]));
  const merged: MapEdge[] = edges.edges.map((edge) => ({ ...edge, ...(edge.processes === undefined ? {} : { processes: [...edge.processes] }) }));
  const edgeIndex = new Map(merged.map((edge, index) => [`${edge.source}>${edge.target}/${edge.protocol}/${edge.port}`, index]));
  const indexOf = (ip: string): number => {
    let index = ipIndex.get(ip);
    if (index === undefined) {
      index = ips.length;
      ips.push(ip);
      ipIndex.set(ip, index);
    }
    return index;
  };
  for (const snapshot of snapshots) {
    const own = ownAddress(snapshot);
    const at = Date.parse(snapshot.lastSampleAt ?? snapshot.takenAt);
    for (const connection of connectionsOf(snapshot)) {
      const local = isLoopback(connection.local.address) ? own : connection.local.address;
      const remote = isLoopback(connection.remote.address) ? own : connection.remote.address;
      if (local === undefined || remote === undefined || isUnspecified(remote)) {
        continue;
      }
      const inbound = connection.direction === 'inbound';
      const source = indexOf(inbound ? remote : local);
      const target = indexOf(inbound ? local : remote);
      const protocol = connection.protocol === 'TCP' ? 6 : 17;
      const port = inbound ? connection.local.port : connection.remote.port;
      const key = `${source}>${target}/${protocol}/${port}`;
      let index = edgeIndex.get(key);
      if (index === undefined) {
        index = merged.length;
        edgeIndex.set(key, index);
        // Seen only inside the VM: one connection, allowed (it was established), no byte counts.
        merged.push({ source, target, protocol, port, connections: 0, allowed: 0, denied: 0, bytes: 0, packets: 0, firstSeen: at, lastSeen: at, processes: [] });
      }
      const edge = merged[index];
      if (index >= edges.edges.length) {
        // An edge only snapshots saw: it counts their connections and their times; a flow's edge keeps the flows'.
        edge.connections++;
        edge.allowed++;
        edge.firstSeen = Math.min(edge.firstSeen, at);
        edge.lastSeen = Math.max(edge.lastSeen, at);
      }
      if (connection.process !== undefined) {
        const label = `${connection.process} (${snapshot.vmName})`;
        edge.processes ??= [];
        if (!edge.processes.includes(label)) {
          edge.processes.push(label);
        }
      }
    }
  }
  return { ips, edges: merged, tuples: edges.tuples };
}
