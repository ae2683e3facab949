/**
 * Validators for the packet-capture questions (what the PacketCapture API accepts) and the plan's
 * prerequisite checks. Pure: no `vscode`, no Azure calls.
 */
import { nameOf } from '../../azure/armIds';
import ipaddr from 'ipaddr.js';
import { validateNetworkName } from '../shared/networkNames';
import type { PlanCheck } from '../../core/plan';
import { premiumStorageReason } from '../shared/storageTier';
import { agentExtension, type CaptureAnswers, type CaptureFilter, type CaptureStorageFact, type ExistingCapture, type OsType, type VmFact } from './captureFacts';

/**
 * Network Watcher's packet-capture limits and defaults. The REST definitions (PacketCaptureParameters
 * in networkWatcher.json, Microsoft.Network 2026-01-01) declare `timeLimitInSeconds` 0–18000 (default
 * 18000), `bytesToCapturePerPacket` 0–4294967295 (default 0) and `totalBytesPerSession` 0–4294967295
 * (default 1073741824). Microsoft Learn, "Manage packet captures for virtual machines - Azure
 * portal", says the same: all bytes of each packet "if left blank or 0 entered", "Up to 1 GB is
 * captured if left blank", "Up to 5 hours (18,000 seconds) is captured if left blank". The wizard
 * asks for at least 1 second and 1 byte per session: a capture of nothing is not asked for.
 */
export const captureLimits = {
  minTimeLimitSeconds: 1,
  maxTimeLimitSeconds: 18000,
  azureDefaultTimeLimitSeconds: 18000,
  maxBytes: 4294967295,
  azureDefaultBytesPerSession: 1073741824,
} as const;

const maxUint32 = captureLimits.maxBytes;

/** `Time limit in seconds (1 to 18000, at most 5 hours)`: the question, with the limits it checks. */
export const timeLimitPrompt = `Time limit in seconds (${captureLimits.minTimeLimitSeconds} to ${captureLimits.maxTimeLimitSeconds}, at most ${captureLimits.maxTimeLimitSeconds / 3600} hours, Network Watcher's longest capture)`;

/** The total-size question, with the limit it checks (just under 4 GB) and Azure's default (1 GB). */
export const bytesPerSessionPrompt = `Total size to capture before the session stops: bytes or a size with a unit (500 MB, 1 GB; at most ${captureLimits.maxBytes} bytes, just under 4 GB)`;

/** Azure's rule for packet capture names (see `validateNetworkName`). */
export function validateCaptureName(name: string): string | undefined {
  return validateNetworkName(name, 'A packet capture name');
}

/**
 * A file path on the VM, as Network Watcher accepts it: on Linux under `/var/captures`, on Windows
 * a drive path; both ending in `.cap`. e.g. `/var/captures/web.cap`, `C:\captures\web.cap`.
 */
export function validateFilePath(path: string, osType: OsType): string | undefined {
  if (path.trim() === '') {
    return 'Enter the capture file\u2019s path on the VM.';
  }
  if (!/\.cap$/i.test(path)) {
    return 'The capture file name must end in .cap.';
  }
  if (osType === 'Linux') {
    if (!/^\/var\/captures\/(?:[^/\0]+\/)*[^/\0]+\.cap$/i.test(path)) {
      return 'On a Linux VM the file must be under /var/captures, e.g. /var/captures/capture.cap.';
    }
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- Windows forbids control characters in file names.
  if (!/^[A-Za-z]:\\(?:[^<>:"/\\|?*\u0000-\u001f]+\\)*[^<>:"/\\|?*\u0000-\u001f]+\.cap$/.test(path)) {
    return 'On a Windows VM use a local path such as C:\\captures\\capture.cap (no / or any of <>:"|?*).';
  }
  return undefined;
}

function validateOneAddress(entry: string): string | undefined {
  const parts = entry.split('-');
  if (parts.length > 2) {
    return `"${entry}" is not an address or a range like 10.0.0.1-10.0.0.20.`;
  }
  const addresses = parts.map((part) => part.trim());
  for (const address of addresses) {
    if (!ipaddr.isValid(address) || !/^[0-9a-fA-F:.]+$/.test(address)) {
      return `"${address}" is not an IP address.`;
    }
  }
  if (addresses.length === 2) {
    const [start, end] = addresses.map((address) => ipaddr.parse(address));
    if (start.kind() !== end.kind()) {
      return `The range ${entry} mixes IPv4 and IPv6.`;
    }
    const bytes = (address: ipaddr.IPv4 | ipaddr.IPv6) => address.toByteArray();
    const a = bytes(start);
    const b = bytes(end);
    const compare = a.findIndex((value, index) => value !== b[index]);
    if (compare >= 0 && a[compare] > b[compare]) {
      return `The range ${entry} ends before it starts.`;
    }
  }
  return undefined;
}

/** An IP filter: one address, a range `a-b`, or several separated by `;`. Empty means any. */
export function validateIpFilter(value: string): string | undefined {
  if (value.trim() === '') {
    return undefined;
  }
  for (const entry of value.split(';')) {
    const problem = validateOneAddress(entry.trim());
    if (problem) {
      return problem;
    }
  }
  return undefined;
}

/** A port filter: one port, a range `80-120`, or several separated by `;` (0–65535). Empty means any. */
export function validatePortFilter(value: string): string | undefined {
  if (value.trim() === '') {
    return undefined;
  }
  for (const entry of value.split(';').map((part) => part.trim())) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(entry);
    if (!match) {
      return `"${entry}" is not a port or a range like 80-120.`;
    }
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    if (start > 65535 || end > 65535) {
      return `Ports go up to 65535 ("${entry}").`;
    }
    if (end < start) {
      return `The range ${entry} ends before it starts.`;
    }
  }
  return undefined;
}

function validateWhole(value: string, minimum: number, maximum: number, what: string): string | undefined {
  if (!/^\d+$/.test(value.trim())) {
    return `Enter ${what} as a whole number from ${minimum} to ${maximum}.`;
  }
  const number = Number(value.trim());
  if (number < minimum || number > maximum) {
    return `${what[0].toUpperCase()}${what.slice(1)} must be from ${minimum} to ${maximum}.`;
  }
  return undefined;
}

export function validateTimeLimit(value: string): string | undefined {
  return validateWhole(value, captureLimits.minTimeLimitSeconds, captureLimits.maxTimeLimitSeconds, 'the time limit in seconds');
}

const byteUnits: Record<string, number> = { b: 1, byte: 1, bytes: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/** `1073741824` → `1073741824 bytes (1 GB)`, `4294967295` → `4294967295 bytes (just under 4 GB)`. */
export function describeBytes(bytes: number): string {
  for (const [unit, size] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]] as const) {
    if (bytes >= size) {
      const value = bytes / size;
      const rounded = Number(value.toFixed(1));
      const amount = Number.isInteger(value) ? `${value} ${unit}` : rounded > value && Number.isInteger(rounded) ? `just under ${rounded} ${unit}` : `${value.toFixed(1)} ${unit}`;
      return `${bytes} bytes (${amount})`;
    }
  }
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

/**
 * A size as typed: bytes (`1073741824`) or a number with a unit, binary as Network Watcher counts
 * (`1 GB` = 1073741824, `500 MB`, `64 KB`, `1.5 GB`, `2GiB`). A size with a unit that is not a
 * whole number of bytes is rounded down. Returns the bytes, or what is wrong with the text.
 */
export function parseByteSize(value: string): { bytes: number } | { problem: string } {
  const text = value.trim();
  if (text === '') {
    return { problem: 'Enter a size: a number of bytes, or a number with a unit such as 500 MB or 1 GB.' };
  }
  const match = /^(\d+(?:[.,]\d+)?)\s*([a-z]+)?$/i.exec(text);
  if (match === null) {
    return { problem: `"${text}" is not a size: write a number of bytes (1073741824) or a number with a unit (500 MB, 1 GB).` };
  }
  const number = Number(match[1].replace(',', '.'));
  const unit = match[2]?.toLowerCase();
  if (unit === undefined) {
    return Number.isInteger(number) ? { bytes: number } : { problem: `"${text}" is not a whole number of bytes: write it with a unit (1.5 GB) or in whole bytes.` };
  }
  const size = byteUnits[unit];
  if (size === undefined) {
    return { problem: `"${match[2]}" in "${text}" is not a unit: use B, KB, MB or GB (1 GB = 1024 MB).` };
  }
  return { bytes: Math.floor(number * size) };
}

function validateSize(value: string, minimum: number, what: string): string | undefined {
  const parsed = parseByteSize(value);
  if ('problem' in parsed) {
    return `${what[0].toUpperCase()}${what.slice(1)}: ${parsed.problem}`;
  }
  if (parsed.bytes < minimum || parsed.bytes > maxUint32) {
    return `${what[0].toUpperCase()}${what.slice(1)} must be from ${describeBytes(minimum)} to ${describeBytes(maxUint32)}; "${value.trim()}" is ${describeBytes(parsed.bytes)}.`;
  }
  return undefined;
}

/** Bytes kept of each packet: bytes or a size with a unit, 0 keeps whole packets. */
export function validateBytesPerPacket(value: string): string | undefined {
  return validateSize(value, 0, 'the bytes kept per packet');
}

/** The capture's total: bytes or a size with a unit (`1 GB`, `500 MB`, `1073741824`), at most 4294967295 bytes. */
export function validateBytesPerSession(value: string): string | undefined {
  return validateSize(value, 1, 'the total bytes per capture');
}

/** The VM must run: Network Watcher starts captures through the agent inside it. */
export function checkVmRunning(vm: VmFact): PlanCheck {
  const running = vm.powerState === 'running';
  return {
    id: 'vmRunning',
    title: 'Virtual machine running',
    status: running ? 'passed' : 'failed',
    detail: running
      ? `${vm.name} is running.`
      : `${vm.name} is ${vm.powerState === 'unknown' ? 'in an unknown power state' : vm.powerState}: packet capture needs a running VM. Start ${vm.name}, then run the wizard again.`,
  };
}

/** The installed Network Watcher agent extension, if any (any name; the portal uses AzureNetworkWatcherExtension). */
export function findAgent(vm: VmFact): VmFact['extensions'][number] | undefined {
  return vm.extensions.find((extension) => extension.publisher.toLowerCase() === agentExtension.publisher.toLowerCase() && extension.type.toLowerCase().startsWith('networkwatcheragent'));
}

export function checkStorageRegion(vm: VmFact, storage: CaptureStorageFact | undefined, storageArmId: string | undefined): PlanCheck {
  if (storage === undefined) {
    return {
      id: 'storageRegion',
      title: 'Storage account in the VM\u2019s region',
      status: 'failed',
      detail: `Storage account ${storageArmId ?? '(none)'} is not in the subscriptions the view shows. Pick another account.`,
    };
  }
  const same = storage.location.toLowerCase() === vm.location.toLowerCase();
  return {
    id: 'storageRegion',
    title: 'Storage account in the VM\u2019s region',
    status: same ? 'passed' : 'failed',
    detail: same
      ? `${storage.name} is in ${storage.location}, like ${vm.name}.`
      : `${storage.name} is in ${storage.location} but ${vm.name} is in ${vm.location}: Network Watcher writes captures only to a storage account in the VM's region.`,
  };
}

/** A premium account cannot store captures: the plan fails here rather than on Apply. */
export function checkCaptureStorageTier(storage: CaptureStorageFact): PlanCheck {
  const premium = premiumStorageReason(storage);
  return premium === undefined
    ? { id: 'storageTier', title: 'Standard storage account', status: 'passed', detail: `${storage.name} is a standard account${storage.sku ? ` (${storage.sku})` : ''}.` }
    : {
      id: 'storageTier',
      title: 'Standard storage account',
      status: 'failed',
      detail: `Storage account ${storage.name} is ${premium}: Azure does not store packet captures in premium storage accounts. Pick a standard account in the VM's region, or keep the file on the VM.`,
    };
}

function sameFilters(a: readonly CaptureFilter[], b: readonly CaptureFilter[]): boolean {
  const normal = (filters: readonly CaptureFilter[]) => JSON.stringify(filters.map((filter) => ({
    protocol: filter.protocol,
    localIPAddress: filter.localIPAddress ?? '',
    remoteIPAddress: filter.remoteIPAddress ?? '',
    localPort: filter.localPort ?? '',
    remotePort: filter.remotePort ?? '',
  })));
  return normal(a) === normal(b);
}

/** Whether an existing capture already is what the answers ask for (same VM, destination, limits and filters). */
export function captureMatches(existing: ExistingCapture, answers: CaptureAnswers): boolean {
  const wantsStorage = answers.destination !== 'file';
  const wantsFile = answers.destination !== 'storage';
  return existing.target.toLowerCase() === answers.vmArmId.toLowerCase()
    && (existing.storageId ?? '').toLowerCase() === (wantsStorage ? (answers.storageArmId ?? '').toLowerCase() : '')
    && (existing.filePath ?? '') === (wantsFile ? (answers.filePath ?? '') : '')
    && (existing.timeLimitInSeconds ?? captureLimits.azureDefaultTimeLimitSeconds) === answers.timeLimitSeconds
    && (existing.bytesToCapturePerPacket ?? 0) === answers.bytesPerPacket
    && (existing.totalBytesPerSession ?? captureLimits.azureDefaultBytesPerSession) === answers.bytesPerSession
    && sameFilters(existing.filters, answers.filters);
}

/** A capture of the same name: the same one still running is kept; anything else blocks. */
export function checkNameFree(existing: ExistingCapture | undefined, answers: CaptureAnswers, watcherName: string): PlanCheck {
  if (existing === undefined) {
    return { id: 'captureName', title: 'Capture name free', status: 'passed', detail: `No packet capture named ${answers.name} in ${watcherName}.` };
  }
  if (existing.status === 'Running' && captureMatches(existing, answers)) {
    return { id: 'captureName', title: 'Capture name free', status: 'passed', detail: `${answers.name} already runs in ${watcherName} with these settings: it is kept.` };
  }
  return {
    id: 'captureName',
    title: 'Capture name free',
    status: 'failed',
    detail: `A packet capture named ${answers.name} already exists in ${watcherName} (${existing.status}, on ${nameOf(existing.target)}). Choose another name, or stop and delete that capture first.`,
  };
}
