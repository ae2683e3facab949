/**
 * The result of "Snapshot Connections…" as a person reads it: one line per VM (ok, not running,
 * agent not ready, failed with Azure's code), then per VM its listening ports and its connections
 * with their processes. Pure; no `vscode` import here.
 */
import { connectionsOf, listeningPorts, type SocketEndpoint } from '../../core/connectionSnapshot';
import { escapeMarkdown } from '../../core/markdown';
import { plural } from '../../core/quantities';
import { describeSampling } from './plan';
import type { SnapshotRunReport, VmSnapshotResult, VmSnapshotStatus } from './run';

const statusWords: Record<VmSnapshotStatus, string> = {
  ok: 'ok',
  stopped: 'not running',
  agentNotReady: 'VM agent not ready',
  unreadable: "couldn't read the VM",
  failed: 'failed',
  cancelled: 'cancelled',
};

/** `vm-web-01: ok, 4 listening, 9 connections` / `vm-dev-02: not running` / `vm-x: failed (OperationNotAllowed)`. */
export function describeResult(result: VmSnapshotResult): string {
  if (result.status === 'ok' || (result.status === 'cancelled' && result.snapshot)) {
    const snapshot = result.snapshot;
    const listening = snapshot ? listeningPorts(snapshot).length : 0;
    const connections = snapshot ? connectionsOf(snapshot).length : 0;
    return `${result.vmName}: ${statusWords[result.status]}, ${listening} listening, ${plural(connections, 'connection')}`;
  }
  return `${result.vmName}: ${statusWords[result.status]}${result.code ? ` (${result.code})` : ''}`;
}

/** The notification after a run: `Snapshot of 3 VMs: 2 ok, 1 not running (vm-dev-02).` */
export function summariseRun(report: SnapshotRunReport): string {
  const groups = new Map<VmSnapshotStatus, string[]>();
  for (const result of report.results) {
    groups.set(result.status, [...(groups.get(result.status) ?? []), result.vmName]);
  }
  const parts = [...groups.entries()].map(([status, names]) => (status === 'ok' ? `${names.length} ok` : `${names.length} ${statusWords[status]} (${names.slice(0, 3).join(', ')}${names.length > 3 ? `, and ${names.length - 3} more` : ''})`));
  return `Snapshot of ${plural(report.results.length, 'VM')}: ${parts.join(', ')}.`;
}

function endpoint(value: SocketEndpoint): string {
  return value.address.includes(':') ? `[${value.address}]:${value.port}` : `${value.address}:${value.port}`;
}

/** The result document (markdown). */
export function renderSnapshotReport(report: SnapshotRunReport): string {
  const lines = [
    `# Connection snapshot, ${report.startedAt.slice(0, 19).replace('T', ' ')} UTC`,
    '',
    `${describeSampling(report.plan.samples, report.plan.intervalSeconds)[0].toUpperCase()}${describeSampling(report.plan.samples, report.plan.intervalSeconds).slice(1)}${report.cancelled ? '; cancelled before the end' : ''}.`,
    '',
    '| VM | OS | Result |',
    '| --- | --- | --- |',
    ...report.results.map((result) => `| ${escapeMarkdown(result.vmName)} | ${result.os ?? '?'} | ${escapeMarkdown(describeResult(result).slice(result.vmName.length + 2))}${result.detail && result.status !== 'ok' ? `: ${escapeMarkdown(result.detail)}` : ''} |`),
    '',
  ];
  for (const result of report.results) {
    const snapshot = result.snapshot;
    if (snapshot === undefined) {
      continue;
    }
    lines.push(`## ${escapeMarkdown(result.vmName)} (${snapshot.os})`, '');
    if (snapshot.samples > 1) {
      lines.push(`${plural(snapshot.samples, 'sample')} from ${snapshot.takenAt.slice(11, 19)} to ${(snapshot.lastSampleAt ?? snapshot.takenAt).slice(11, 19)} UTC.`, '');
    }
    const listening = listeningPorts(snapshot);
    lines.push('### Listening', '');
    if (listening.length === 0) {
      lines.push('Nothing listening.', '');
    } else {
      lines.push('| Protocol | Port | Addresses | Process |', '| --- | --- | --- | --- |', ...listening.map((port) => `| ${port.protocol} | ${port.port} | ${escapeMarkdown(port.addresses.join(', '))} | ${escapeMarkdown(port.process ?? '—')} |`), '');
    }
    const connections = connectionsOf(snapshot);
    lines.push('### Connections', '');
    if (connections.length === 0) {
      lines.push('No connections.', '');
    } else {
      const seen = new Map(snapshot.sockets.map((socket) => [`${socket.protocol}#${socket.local.address}#${socket.local.port}#${socket.remote?.address}#${socket.remote?.port}`, socket.seenInSamples ?? 1]));
      lines.push(
        `| Direction | Protocol | Local | Remote | State | Process |${snapshot.samples > 1 ? ' Seen in |' : ''}`,
        `| --- | --- | --- | --- | --- | --- |${snapshot.samples > 1 ? ' --- |' : ''}`,
        ...connections.map((connection) => {
          const count = seen.get(`${connection.protocol}#${connection.local.address}#${connection.local.port}#${connection.remote.address}#${connection.remote.port}`) ?? 1;
          return `| ${connection.direction} | ${connection.protocol} | ${endpoint(connection.local)} | ${endpoint(connection.remote)} | ${connection.state} | ${escapeMarkdown(connection.process ?? '—')} |${snapshot.samples > 1 ? ` ${count} of ${snapshot.samples} |` : ''}`;
        }),
        '',
      );
    }
    for (const note of snapshot.notes ?? []) {
      lines.push(`> ${escapeMarkdown(note)}`, '');
    }
  }
  return lines.join('\n');
}
