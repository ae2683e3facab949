/**
 * What the stand-in's VMs print when Run Command runs the snapshot commands: `ss -tunap` on Linux,
 * the PowerShell socket list on Windows. The sockets come from the estate: each VM's NIC
 * addresses, and its peers are the other VMs' NIC addresses by role (the web tier talks to the
 * app tier on 8080, the app tier to the database on 1433, the jump hosts to everything on 22 and
 * 3389), plus the platform's WireServer and DNS. The role is read from the VM's name, so any
 * topology gets sensible sockets. Output is cut to its last 4,096 bytes as Run Command does
 * (https://learn.microsoft.com/azure/virtual-machines/linux/run-command, "Restrictions").
 */
import { asObject, type ArmResource, type ArmState, type JsonObject } from './state';
import { types } from './types';

type Role = 'web' | 'app' | 'db' | 'jump' | 'collector' | 'dev' | 'other';

interface GuestSocket {
  protocol: 'tcp' | 'udp';
  state: 'LISTEN' | 'ESTAB' | 'UNCONN' | 'SYN-SENT' | 'TIME-WAIT';
  local: string;
  localPort: number;
  remote?: string;
  remotePort?: number;
  /** IPv6 socket: `[::]` listener, or an IPv4 peer seen as `::ffff:a.b.c.d`. */
  v6?: boolean;
  processes: Array<{ name: string; pid: number }>;
}

const wireServer = '168.63.129.16';

function roleOf(name: string): Role {
  const lower = name.toLowerCase();
  for (const [role, pattern] of [['web', /web/], ['app', /app|legacy/], ['db', /db|sql/], ['jump', /jump/], ['collector', /collector/], ['dev', /dev/]] as const) {
    if (pattern.test(lower)) {
      return role;
    }
  }
  return 'other';
}

/** The private IPv4 addresses of a VM's NICs, primary first. */
export function vmAddresses(state: ArmState, vm: ArmResource): string[] {
  const nicIds = ((asObject(vm.properties.networkProfile).networkInterfaces as JsonObject[] | undefined) ?? []).map((nic) => String(nic.id));
  return nicIds.flatMap((nicId) => {
    const nic = state.getTyped(types.networkInterface, nicId);
    const configurations = (nic?.properties.ipConfigurations as JsonObject[] | undefined) ?? [];
    return configurations.map((configuration) => asObject(configuration.properties).privateIPAddress).filter((address): address is string => typeof address === 'string');
  });
}

/** A stable small number from text (pids and ephemeral ports that do not change between runs). */
function stableNumber(text: string, from: number, span: number): number {
  let hash = 2166136261;
  for (const char of text) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  }
  return from + (hash % span);
}

function peersOf(state: ArmState, vm: ArmResource, role: Role): Array<{ name: string; address: string }> {
  const peers: Array<{ name: string; address: string }> = [];
  for (const other of state.list(types.virtualMachine)) {
    if (other.id.toLowerCase() === vm.id.toLowerCase() || roleOf(other.name) !== role) {
      continue;
    }
    const [address] = vmAddresses(state, other);
    if (address !== undefined) {
      peers.push({ name: other.name, address });
    }
  }
  return peers.sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));
}

/** The sockets of a running VM, derived from its role and the estate. */
export function guestSockets(state: ArmState, vm: ArmResource, windows: boolean): GuestSocket[] {
  const role = roleOf(vm.name);
  const [address = '10.0.0.4'] = vmAddresses(state, vm);
  const pid = (name: string): number => stableNumber(`${vm.id}#${name}`, 300, 4000);
  const port = (peer: string): number => stableNumber(`${vm.id}#${peer}`, 32768, 28000);
  const sockets: GuestSocket[] = [];
  const listen = (protocol: 'tcp' | 'udp', localPort: number, name: string, options: { local?: string; v6?: boolean; workers?: number } = {}): void => {
    const master = pid(name);
    const processes = [{ name, pid: master }, ...Array.from({ length: options.workers ?? 0 }, (_, index) => ({ name, pid: master + 1 + index }))];
    sockets.push({ protocol, state: protocol === 'tcp' ? 'LISTEN' : 'UNCONN', local: options.local ?? '0.0.0.0', localPort, processes });
    if (options.v6) {
      sockets.push({ protocol, state: protocol === 'tcp' ? 'LISTEN' : 'UNCONN', local: '::', localPort, v6: true, processes });
    }
  };
  const inbound = (localPort: number, peer: string, name: string, options: { v6?: boolean; worker?: number } = {}): void => {
    sockets.push({ protocol: 'tcp', state: 'ESTAB', local: address, localPort, remote: peer, remotePort: port(`${peer}#${localPort}`), v6: options.v6, processes: [{ name, pid: pid(name) + (options.worker ?? 0) }] });
  };
  const outbound = (peer: string, remotePort: number, name: string, state: GuestSocket['state'] = 'ESTAB'): void => {
    sockets.push({ protocol: 'tcp', state, local: address, localPort: port(`${peer}#out#${remotePort}#${state}`), remote: peer, remotePort, processes: state === 'TIME-WAIT' ? [] : [{ name, pid: pid(name) }] });
  };

  if (windows) {
    listen('tcp', 3389, 'svchost', { v6: true });
    listen('tcp', 445, 'System', { v6: true });
    listen('tcp', 5985, 'System');
    listen('udp', 123, 'svchost');
    outbound(wireServer, 80, 'WindowsAzureGuestAgent');
    outbound(wireServer, 32526, 'WaAppAgent');
  } else {
    listen('tcp', 22, 'sshd', { v6: true });
    listen('udp', 53, 'systemd-resolve', { local: '127.0.0.53' });
    listen('udp', 68, 'systemd-network', { local: address });
    outbound(wireServer, 80, 'python3');
    outbound(wireServer, 32526, 'python3');
  }

  const jumps = peersOf(state, vm, 'jump');
  for (const jump of jumps) {
    inbound(windows ? 3389 : 22, jump.address, windows ? 'svchost' : 'sshd', { worker: windows ? 0 : 1 });
  }
  switch (role) {
    case 'web':
      listen('tcp', 80, 'nginx', { v6: true, workers: 2 });
      listen('tcp', 443, 'nginx', { v6: true, workers: 2 });
      for (const app of peersOf(state, vm, 'app')) {
        outbound(app.address, 8080, 'nginx');
      }
      inbound(443, wireServer, 'nginx', { worker: 1 });
      break;
    case 'app':
      // A Java service listening on an IPv6 socket: IPv4 peers show as ::ffff:a.b.c.d.
      sockets.push({ protocol: 'tcp', state: 'LISTEN', local: '::', localPort: 8080, v6: true, processes: [{ name: 'java', pid: pid('java') }] });
      for (const web of peersOf(state, vm, 'web')) {
        inbound(8080, web.address, 'java', { v6: true });
      }
      for (const db of peersOf(state, vm, 'db')) {
        outbound(db.address, 1433, 'java');
        outbound(db.address, 1433, 'java', 'TIME-WAIT');
      }
      break;
    case 'db':
      listen('tcp', 1433, windows ? 'sqlservr' : 'sqlservr', { v6: true });
      for (const app of peersOf(state, vm, 'app')) {
        inbound(1433, app.address, 'sqlservr');
      }
      break;
    case 'jump':
      for (const target of [...peersOf(state, vm, 'web'), ...peersOf(state, vm, 'app')]) {
        outbound(target.address, 22, windows ? 'ssh' : 'ssh');
      }
      for (const target of peersOf(state, vm, 'db')) {
        outbound(target.address, 3389, windows ? 'mstsc' : 'xfreerdp');
      }
      break;
    case 'collector':
      // Virtual network TAP delivers mirrored packets as VXLAN on UDP 4789.
      listen('udp', 4789, 'zeek', { local: address });
      listen('tcp', 9200, 'java', { local: '127.0.0.1' });
      break;
    case 'dev':
      listen('tcp', 3000, 'node', { v6: true });
      sockets.push({ protocol: 'tcp', state: 'LISTEN', local: '127.0.0.1', localPort: 9229, processes: [{ name: 'node --inspect', pid: pid('node') }] });
      break;
    default:
      break;
  }
  return sockets;
}

function ssEndpoint(address: string, port: number | undefined, v6: boolean | undefined): string {
  const shownPort = port === undefined ? '*' : String(port);
  if (address === '::') {
    return `[::]:${shownPort}`;
  }
  if (v6) {
    return `[::ffff:${address}]:${shownPort}`;
  }
  if (address === '127.0.0.53') {
    return `${address}%lo:${shownPort}`;
  }
  return `${address}:${shownPort}`;
}

/** `ss -tunap` as iproute2 6.x prints it, header and padding included. */
export function ssOutput(sockets: GuestSocket[]): string {
  const rows = sockets.map((socket) => {
    const anyPeer = socket.v6 || socket.local === '::' ? '[::]' : '0.0.0.0';
    const users = socket.processes.length === 0 ? '' : `users:(${socket.processes.map((process) => `("${process.name}",pid=${process.pid},fd=${3 + (process.pid % 17)})`).join(',')})`;
    return [
      socket.protocol,
      socket.state,
      '0',
      socket.state === 'LISTEN' ? '511' : '0',
      ssEndpoint(socket.local, socket.localPort, socket.v6 && socket.local !== '::'),
      socket.remote === undefined ? `${anyPeer}:*` : ssEndpoint(socket.remote, socket.remotePort, socket.v6),
      users,
    ];
  });
  const order = (row: string[]): number => (row[0] === 'udp' ? 0 : 1);
  rows.sort((a, b) => order(a) - order(b));
  const header = ['Netid', 'State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port', 'Process'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (row: string[]): string => row.map((cell, column) => (column === 4 || column === 5 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' ').trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}

const windowsStates: Record<GuestSocket['state'], string> = { LISTEN: 'Listen', ESTAB: 'Established', UNCONN: '', 'SYN-SENT': 'SynSent', 'TIME-WAIT': 'TimeWait' };

/** The snapshot PowerShell script's lines (TIME_WAIT left out, as its `Where-Object` does), CRLF. */
export function powerShellOutput(sockets: GuestSocket[]): string {
  return sockets
    .filter((socket) => socket.state !== 'TIME-WAIT')
    .map((socket) => {
      const process = socket.processes[0];
      if (socket.protocol === 'udp') {
        return `UDP,,${socket.local},${socket.localPort},,,${process?.pid ?? 0},${process?.name ?? ''}`;
      }
      const remote = socket.remote === undefined ? (socket.local === '::' ? '::' : '0.0.0.0') : socket.v6 ? `::ffff:${socket.remote}` : socket.remote;
      return `TCP,${windowsStates[socket.state]},${socket.local},${socket.localPort},${remote},${socket.remotePort ?? 0},${process?.pid ?? 0},${process?.name ?? ''}`;
    })
    .join('\r\n');
}

/** The last `limit` bytes of `text` (UTF-8), as Run Command keeps them. */
export function lastBytes(text: string, limit = 4096): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= limit ? text : bytes.subarray(bytes.length - limit).toString('utf8');
}
