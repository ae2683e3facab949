/**
 * What a VM's sockets looked like when "Snapshot Connections…" read them through Run Command: the
 * listening ports and connections, each with its process when the guest named it. The dependency
 * map merges these with the flow logs' edges. Pure data and helpers; no `vscode` import here.
 */
import ipaddr from 'ipaddr.js';

export type SnapshotOs = 'Linux' | 'Windows';

/**
 * A socket's state as `ss` names it (`LISTEN`, `ESTAB` → `ESTABLISHED`, `TIME-WAIT` → `TIME_WAIT`)
 * or as `Get-NetTCPConnection` names it (`Listen`, `Established`, `TimeWait` → the same words).
 * UDP sockets are `UNCONN` (bound, not connected: a UDP listener) or `ESTABLISHED` (connected).
 */
export type SocketState =
  | 'LISTEN' | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'TIME_WAIT'
  | 'CLOSE' | 'CLOSE_WAIT' | 'LAST_ACK' | 'CLOSING' | 'UNCONN' | 'BOUND' | 'UNKNOWN';

export interface SocketEndpoint {
  /** `10.1.2.4`, `fd00::4`, `0.0.0.0` or `::` for any address, `*` for any of both families. */
  address: string;
  /** 0 when the socket has no port yet (`*` in `ss`). */
  port: number;
}

export interface SocketProcess {
  /** `nginx`, `sqlservr`, `java`; as the guest reports it, odd characters included. */
  name: string;
  pid?: number;
}

export interface SnapshotSocket {
  protocol: 'TCP' | 'UDP';
  state: SocketState;
  local: SocketEndpoint;
  /** Absent for a listening or unconnected socket. */
  remote?: SocketEndpoint;
  /** Absent when the guest did not say (no permission, or a kernel socket). */
  process?: SocketProcess;
  /** Processes besides `process` that share the socket (`nginx` workers), in the order listed. */
  otherProcesses?: SocketProcess[];
  /** In how many of the snapshot's samples it was seen (1 for a single sample). */
  seenInSamples?: number;
}

export interface ConnectionSnapshot {
  /** Lower-case ARM id of the VM. */
  vmId: string;
  vmName: string;
  os: SnapshotOs;
  /** ISO time of the (first) sample. */
  takenAt: string;
  /** ISO time of the last sample, when several were merged. */
  lastSampleAt?: string;
  /** How many samples were merged (1 when read once). */
  samples: number;
  sockets: SnapshotSocket[];
  /** What the guest wrote to stderr or what the parser skipped, one sentence each. */
  notes?: string[];
}

const stateWords: Record<string, SocketState> = {
  listen: 'LISTEN',
  estab: 'ESTABLISHED',
  established: 'ESTABLISHED',
  'syn-sent': 'SYN_SENT',
  synsent: 'SYN_SENT',
  'syn-recv': 'SYN_RECV',
  synreceived: 'SYN_RECV',
  'fin-wait-1': 'FIN_WAIT1',
  finwait1: 'FIN_WAIT1',
  'fin-wait-2': 'FIN_WAIT2',
  finwait2: 'FIN_WAIT2',
  'time-wait': 'TIME_WAIT',
  timewait: 'TIME_WAIT',
  unconn: 'UNCONN',
  close: 'CLOSE',
  closed: 'CLOSE',
  'close-wait': 'CLOSE_WAIT',
  closewait: 'CLOSE_WAIT',
  'last-ack': 'LAST_ACK',
  lastack: 'LAST_ACK',
  closing: 'CLOSING',
  bound: 'BOUND',
};

/** `ESTAB` → `ESTABLISHED`, `TimeWait` → `TIME_WAIT`; anything else → `UNKNOWN`. */
export function socketStateOf(text: string): SocketState {
  return stateWords[text.trim().toLowerCase()] ?? 'UNKNOWN';
}

/**
 * An address as the dependency map keys it: `[fe80::1%eth0]` → `fe80::1`, `::ffff:10.0.0.4` →
 * `10.0.0.4`, `0:0:0:0:0:0:0:1` → `::1`, `*` kept. Undefined when it is not an address.
 */
export function normaliseAddress(text: string): string | undefined {
  let address = text.trim();
  if (address.startsWith('[') && address.endsWith(']')) {
    address = address.slice(1, -1);
  }
  const scope = address.indexOf('%');
  if (scope >= 0) {
    address = address.slice(0, scope);
  }
  if (address === '*') {
    return '*';
  }
  if (!ipaddr.isValid(address)) {
    return undefined;
  }
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  }
  return parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString();
}

/** True for a socket that waits for peers: TCP `LISTEN`, or UDP bound without a peer. */
export function isListening(socket: SnapshotSocket): boolean {
  return socket.state === 'LISTEN' || (socket.protocol === 'UDP' && socket.remote === undefined);
}

/** True for a connection with a peer (TCP `ESTABLISHED` and the states around it, or a connected UDP socket). */
export function isConnection(socket: SnapshotSocket): boolean {
  return socket.remote !== undefined && socket.state !== 'LISTEN';
}

function endpointKey(endpoint: SocketEndpoint | undefined): string {
  return endpoint === undefined ? '-' : `${endpoint.address}|${endpoint.port}`;
}

/**
 * What makes a socket the same one in two samples: protocol, local and remote endpoints, and the
 * process. A connection's state may change between samples (ESTABLISHED → TIME_WAIT); it counts once.
 */
export function socketKey(socket: SnapshotSocket): string {
  const listening = isListening(socket) ? 'listen' : 'peer';
  return [socket.protocol, listening, endpointKey(socket.local), endpointKey(socket.remote), socket.process?.name ?? '', socket.process?.pid ?? ''].join('#');
}

const stateRank: Partial<Record<SocketState, number>> = { ESTABLISHED: 3, LISTEN: 3, UNCONN: 3, SYN_SENT: 2, SYN_RECV: 2 };

/**
 * Merges samples of one VM taken over a window into one snapshot: every socket seen in any sample,
 * once, with `seenInSamples`; a connection keeps its most telling state (ESTABLISHED over
 * TIME_WAIT). `takenAt` is the first sample's, `lastSampleAt` the last one's; notes are kept once.
 * Throws when the samples are of different VMs or there are none.
 */
export function mergeSamples(samples: readonly ConnectionSnapshot[]): ConnectionSnapshot {
  if (samples.length === 0) {
    throw new Error('No samples to merge.');
  }
  const ordered = [...samples].sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  const first = ordered[0];
  const other = ordered.find((sample) => sample.vmId !== first.vmId);
  if (other !== undefined) {
    throw new Error(`Samples of ${first.vmName} and ${other.vmName} cannot be merged: they are of different VMs.`);
  }
  const sockets = new Map<string, SnapshotSocket>();
  const notes = new Set<string>();
  for (const sample of ordered) {
    const seenHere = new Set<string>();
    for (const socket of sample.sockets) {
      const key = socketKey(socket);
      if (seenHere.has(key)) {
        continue;
      }
      seenHere.add(key);
      const known = sockets.get(key);
      const seen = socket.seenInSamples ?? 1;
      if (known === undefined) {
        sockets.set(key, { ...socket, seenInSamples: seen });
        continue;
      }
      known.seenInSamples = (known.seenInSamples ?? 1) + seen;
      if ((stateRank[socket.state] ?? 0) > (stateRank[known.state] ?? 0)) {
        known.state = socket.state;
      }
    }
    for (const note of sample.notes ?? []) {
      notes.add(note);
    }
  }
  const last = ordered[ordered.length - 1];
  const samplesCount = ordered.reduce((sum, sample) => sum + sample.samples, 0);
  return {
    vmId: first.vmId,
    vmName: first.vmName,
    os: first.os,
    takenAt: first.takenAt,
    ...(ordered.length > 1 ? { lastSampleAt: last.lastSampleAt ?? last.takenAt } : first.lastSampleAt ? { lastSampleAt: first.lastSampleAt } : {}),
    samples: samplesCount,
    sockets: sortSockets([...sockets.values()]),
    ...(notes.size > 0 ? { notes: [...notes] } : {}),
  };
}

/** IPv4 addresses before IPv6 ones, `*` last; then as text. */
export function compareAddresses(a: string, b: string): number {
  const family = (address: string): number => (address === '*' ? 2 : address.includes(':') ? 1 : 0);
  return family(a) - family(b) || a.localeCompare(b, 'en', { numeric: true });
}

/** Listening sockets first (by port), then connections (by remote address and port). */
export function sortSockets(sockets: SnapshotSocket[]): SnapshotSocket[] {
  const rank = (socket: SnapshotSocket): number => (isListening(socket) ? 0 : 1);
  return sockets.sort((a, b) =>
    rank(a) - rank(b)
    || a.protocol.localeCompare(b.protocol)
    || (rank(a) === 0 ? a.local.port - b.local.port || compareAddresses(a.local.address, b.local.address) : compareAddresses(a.remote?.address ?? '', b.remote?.address ?? '') || (a.remote?.port ?? 0) - (b.remote?.port ?? 0) || a.local.port - b.local.port));
}

/** A listener of a (merged) snapshot as the map shows it: `TCP 443 nginx`. */
export interface ListeningPort {
  protocol: 'TCP' | 'UDP';
  port: number;
  /** The addresses it listens on (`0.0.0.0`, `::`, `10.1.1.4`). */
  addresses: string[];
  process?: string;
}

/** The snapshot's listeners, one per protocol, port and process (IPv4 and IPv6 binds together). */
export function listeningPorts(snapshot: ConnectionSnapshot): ListeningPort[] {
  const byKey = new Map<string, ListeningPort>();
  for (const socket of snapshot.sockets.filter(isListening)) {
    const key = `${socket.protocol}#${socket.local.port}#${socket.process?.name ?? ''}`;
    const known = byKey.get(key);
    if (known === undefined) {
      byKey.set(key, { protocol: socket.protocol, port: socket.local.port, addresses: [socket.local.address], ...(socket.process ? { process: socket.process.name } : {}) });
    } else if (!known.addresses.includes(socket.local.address)) {
      known.addresses.push(socket.local.address);
    }
  }
  return [...byKey.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

/**
 * A connection of a snapshot as a map edge: which side started it is told by the listeners (a
 * local port that listens means the peer connected in), `outbound` otherwise.
 */
export interface SnapshotConnection {
  protocol: 'TCP' | 'UDP';
  direction: 'inbound' | 'outbound';
  local: SocketEndpoint;
  remote: SocketEndpoint;
  state: SocketState;
  process?: string;
}

export function connectionsOf(snapshot: ConnectionSnapshot): SnapshotConnection[] {
  const listening = new Set(snapshot.sockets.filter(isListening).map((socket) => `${socket.protocol}#${socket.local.port}`));
  return snapshot.sockets.filter(isConnection).map((socket) => ({
    protocol: socket.protocol,
    direction: listening.has(`${socket.protocol}#${socket.local.port}`) ? 'inbound' : 'outbound',
    local: socket.local,
    remote: socket.remote as SocketEndpoint,
    state: socket.state,
    ...(socket.process ? { process: socket.process.name } : {}),
  }));
}
