/**
 * The read-only commands "Snapshot Connections…" runs inside a VM through Run Command, and the
 * parsers of what they print. Pure; no `vscode` import here.
 *
 * Run Command (action) returns one `InstanceViewStatus` list (`RunCommandResult.value`): on Linux
 * one entry whose `message` is `Enable succeeded: \n[stdout]\n…\n[stderr]\n…`; on Windows two,
 * `ComponentStatus/StdOut/succeeded` and `ComponentStatus/StdErr/succeeded`, each `message` one
 * stream (https://learn.microsoft.com/rest/api/compute/virtual-machines/run-command, and the
 * official example VirtualMachineRunCommand.json). Output is limited to the last 4,096 bytes, so
 * the first line may be cut (https://learn.microsoft.com/azure/virtual-machines/linux/run-command,
 * "Restrictions"); the parsers skip a line they cannot read and count it.
 */
import { normaliseAddress, socketStateOf, sortSockets, type SnapshotOs, type SnapshotSocket, type SocketEndpoint, type SocketProcess } from './connectionSnapshot';

/** What is sent as `RunCommandInput` for an OS: the built-in command id and the script's lines. */
export interface SnapshotCommand {
  commandId: 'RunShellScript' | 'RunPowerShellScript';
  script: string[];
}

/**
 * The exact commands, shown in the review before anything runs. Both only read: `ss` lists the
 * kernel's TCP and UDP sockets with their processes (`-t -u` TCP and UDP, `-n` numeric, `-a` all
 * states, `-p` processes); PowerShell lists TCP connections (without TIME_WAIT, which no process
 * owns) and UDP endpoints with the name of the owning process, one comma-separated line each with
 * the name last, so a name may hold commas.
 */
export const snapshotCommands: Record<SnapshotOs, SnapshotCommand> = {
  Linux: { commandId: 'RunShellScript', script: ['ss -tunap'] },
  Windows: {
    commandId: 'RunPowerShellScript',
    script: [
      "$names = @{}; Get-Process | ForEach-Object { $names[[int]$_.Id] = $_.ProcessName }",
      "Get-NetTCPConnection | Where-Object { $_.State -ne 'TimeWait' } | ForEach-Object { 'TCP,{0},{1},{2},{3},{4},{5},{6}' -f $_.State, $_.LocalAddress, $_.LocalPort, $_.RemoteAddress, $_.RemotePort, $_.OwningProcess, $names[[int]$_.OwningProcess] }",
      "Get-NetUDPEndpoint | ForEach-Object { 'UDP,,{0},{1},,,{2},{3}' -f $_.LocalAddress, $_.LocalPort, $_.OwningProcess, $names[[int]$_.OwningProcess] }",
    ],
  },
};

/** Run Command returns at most this much of the output (its last bytes). */
export const runCommandOutputLimit = 4096;

/** One entry of `RunCommandResult.value` (an `InstanceViewStatus`). */
export interface RunCommandStatus {
  code?: string;
  message?: string;
}

/** The streams of a run: stdout, stderr, and whether the guest said the script failed (with its words). */
export interface RunCommandStreams {
  stdout: string;
  stderr: string;
  /** `Enable failed: … exit status=1` (Linux) or a `…/failed` code: the script did not finish well. */
  failure?: string;
}

/**
 * Splits a Run Command result into stdout and stderr. Linux: `Enable succeeded: \n[stdout]\nA\n[stderr]\nB`
 * → `{ stdout: 'A', stderr: 'B' }`. Windows: the `ComponentStatus/StdOut/…` and `…/StdErr/…` entries.
 */
export function runCommandStreams(value: readonly RunCommandStatus[]): RunCommandStreams {
  const stdOut = value.find((status) => /^ComponentStatus\/StdOut\//i.test(status.code ?? ''));
  const stdErr = value.find((status) => /^ComponentStatus\/StdErr\//i.test(status.code ?? ''));
  if (stdOut !== undefined || stdErr !== undefined) {
    const failedCode = [stdOut, stdErr].find((status) => status !== undefined && /\/failed/i.test(status.code ?? ''));
    return {
      stdout: stdOut?.message ?? '',
      stderr: stdErr?.message ?? '',
      ...(failedCode ? { failure: `${failedCode.code}` } : {}),
    };
  }
  const message = value.map((status) => status.message ?? '').join('\n');
  const outAt = message.indexOf('[stdout]');
  const errAt = message.indexOf('[stderr]', outAt < 0 ? 0 : outAt);
  const head = message.slice(0, outAt < 0 ? (errAt < 0 ? message.length : errAt) : outAt).trim();
  const stdout = outAt < 0 ? '' : message.slice(outAt + '[stdout]'.length, errAt < 0 ? message.length : errAt);
  const stderr = errAt < 0 ? '' : message.slice(errAt + '[stderr]'.length);
  const failedCode = value.some((status) => /failed/i.test(status.code ?? ''));
  const failure = /^Enable failed/i.test(head) || failedCode ? (head.replace(/[\s:]+$/, '') || value.map((status) => status.code).join(', ')) : undefined;
  return { stdout: trimStream(stdout), stderr: trimStream(stderr), ...(failure ? { failure } : {}) };
}

/** The stream without the newline after its `[stdout]` marker and the blank lines before the next. */
function trimStream(text: string): string {
  return text.replace(/^\r?\n/, '').replace(/\s+$/, '');
}

/** What a parser made of a listing: the sockets, and the lines it could not read (a cut first line, stray output). */
export interface SocketListing {
  sockets: SnapshotSocket[];
  /** Lines that were neither a socket nor the header, as printed (at most a few kept). */
  skipped: string[];
  skippedCount: number;
}

const keptSkipped = 5;

function endpointOf(text: string): SocketEndpoint | undefined {
  let address: string;
  let portText: string;
  if (text.startsWith('[')) {
    // `[fe80::1]%eth0:546`: newer ss prints a link-local scope after the bracket.
    const match = /^\[([^\]]*)\](%[^:]*)?:([^:]*)$/.exec(text);
    if (!match) {
      return undefined;
    }
    address = match[1];
    portText = match[3];
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) {
      return undefined;
    }
    address = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  const normalised = normaliseAddress(address === '' ? '*' : address);
  const port = portText === '*' ? 0 : Number(portText);
  if (normalised === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    return undefined;
  }
  return { address: normalised, port };
}

/** True for the unspecified remote of a listener: `0.0.0.0:*`, `[::]:*`, `*:*`. */
function isAnyEndpoint(endpoint: SocketEndpoint): boolean {
  return endpoint.port === 0 && (endpoint.address === '0.0.0.0' || endpoint.address === '::' || endpoint.address === '*');
}

/**
 * The processes of an `ss -p` column: `users:(("nginx",pid=813,fd=6),("nginx",pid=812,fd=6))` →
 * nginx 813, nginx 812. A name is what lies between `("` and the next `",pid=`, so spaces,
 * quotes, commas and parentheses in it are kept.
 */
export function parseSsUsers(text: string): SocketProcess[] {
  const processes: SocketProcess[] = [];
  const pattern = /\("(.*?)",pid=(\d+)(?:,fd=\d+)?\)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    processes.push({ name: match[1], pid: Number(match[2]) });
  }
  return processes;
}

function withProcesses(socket: SnapshotSocket, processes: SocketProcess[]): SnapshotSocket {
  const unique = processes.filter((process, index) => processes.findIndex((other) => other.name === process.name && other.pid === process.pid) === index);
  if (unique.length === 0) {
    return socket;
  }
  // ss lists the newest holder first; the lowest pid is the parent (nginx master, sshd listener).
  const ordered = [...unique].sort((a, b) => (a.pid ?? 0) - (b.pid ?? 0));
  return { ...socket, process: ordered[0], ...(ordered.length > 1 ? { otherProcesses: ordered.slice(1) } : {}) };
}

function skip(listing: SocketListing, line: string): void {
  listing.skippedCount += 1;
  if (listing.skipped.length < keptSkipped) {
    listing.skipped.push(line);
  }
}

/**
 * Parses `ss -tunap` (with or without the header, old or new address styles):
 * `tcp   ESTAB  0  0  [::ffff:10.1.1.4]:8080  [::ffff:10.1.1.5]:41234 users:(("java",pid=2211,fd=88))`.
 */
export function parseSsOutput(text: string): SocketListing {
  const listing: SocketListing = { sockets: [], skipped: [], skippedCount: 0 };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || /^Netid\s+State\s/i.test(line) || /^State\s+Recv-Q/i.test(line)) {
      continue;
    }
    const match = /^(tcp|udp)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*(.*)$/i.exec(line);
    const local = match ? endpointOf(match[5]) : undefined;
    const peer = match ? endpointOf(match[6]) : undefined;
    if (!match || !local || !peer) {
      skip(listing, raw);
      continue;
    }
    const protocol = match[1].toLowerCase() === 'tcp' ? 'TCP' : 'UDP';
    const state = socketStateOf(match[2]);
    const socket: SnapshotSocket = {
      protocol,
      state: protocol === 'UDP' && state === 'UNCONN' ? 'UNCONN' : state,
      local,
      ...(isAnyEndpoint(peer) ? {} : { remote: peer }),
    };
    listing.sockets.push(withProcesses(socket, parseSsUsers(match[7])));
  }
  listing.sockets = sortSockets(listing.sockets);
  return listing;
}

/**
 * Parses the PowerShell script's lines: `TCP,Established,10.1.3.4,1433,10.1.2.4,50211,4120,sqlservr`
 * and `UDP,,0.0.0.0,123,,,1164,svchost`; the process name is the rest of the line (commas and all).
 * Process 0 (Idle) owns no socket of its own and is dropped.
 */
export function parseWindowsSocketList(text: string): SocketListing {
  const listing: SocketListing = { sockets: [], skipped: [], skippedCount: 0 };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      continue;
    }
    const fields = line.split(',');
    const [protocolText, stateText, localAddress, localPort, remoteAddress, remotePort, pidText] = fields;
    const name = fields.slice(7).join(',');
    const protocol = protocolText === 'TCP' ? 'TCP' : protocolText === 'UDP' ? 'UDP' : undefined;
    const local = fields.length >= 8 ? endpointOf(`${bracketed(localAddress)}:${localPort}`) : undefined;
    if (protocol === undefined || local === undefined || (protocol === 'TCP' && socketStateOf(stateText) === 'UNKNOWN')) {
      skip(listing, raw);
      continue;
    }
    const remote = remoteAddress && remotePort ? endpointOf(`${bracketed(remoteAddress)}:${remotePort}`) : undefined;
    const pid = Number(pidText);
    const state = protocol === 'TCP' ? socketStateOf(stateText) : remote && !isAnyEndpoint(remote) ? 'ESTABLISHED' : 'UNCONN';
    const process: SocketProcess | undefined = Number.isInteger(pid) && pid > 0 ? (name.trim() === '' ? { name: `pid ${pid}`, pid } : { name, pid }) : undefined;
    listing.sockets.push({
      protocol,
      state,
      local,
      ...(remote && !isAnyEndpoint(remote) && state !== 'LISTEN' ? { remote } : {}),
      ...(process ? { process } : {}),
    });
  }
  listing.sockets = sortSockets(listing.sockets);
  return listing;
}

function bracketed(address: string | undefined): string {
  const text = (address ?? '').trim();
  return text.includes(':') && !text.startsWith('[') ? `[${text}]` : text;
}

/** Parses a run's stdout with the parser of its OS. */
export function parseSocketListing(os: SnapshotOs, stdout: string): SocketListing {
  return os === 'Windows' ? parseWindowsSocketList(stdout) : parseSsOutput(stdout);
}
