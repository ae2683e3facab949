/**
 * Runs a snapshot plan: in each VM that can run it, the OS's read-only command, once or as
 * samples over the plan's window (each sample starts `intervalSeconds` after the previous one
 * started, or right after it ends when a run takes longer), parsed and merged into one
 * `ConnectionSnapshot` per VM. VMs run side by side, a few at a time; the samples of one VM run one
 * after another, as Run Command runs one script at a time per VM. Never asks questions; every VM
 * ends `ok`, left out (`stopped`, `agentNotReady`, `unreadable`), `failed` with Azure's code, or
 * `cancelled`. No `vscode` import here.
 */
import { mergeSamples, type ConnectionSnapshot, type SnapshotOs } from '../../core/connectionSnapshot';
import { plural } from '../../core/quantities';
import { parseSocketListing, runCommandStreams, type RunCommandStatus, type SnapshotCommand } from '../../core/socketListParsers';
import { isCancellation, toArmProblem } from '../../azure/armProblem';
import { vmsToRun, type PlannedVm, type SnapshotPlan, type SnapshotSkip } from './plan';

export type VmSnapshotStatus = 'ok' | SnapshotSkip | 'failed' | 'cancelled';

export interface VmSnapshotResult {
  vmId: string;
  vmName: string;
  os?: SnapshotOs;
  status: VmSnapshotStatus;
  /** Why it was left out or failed, in Azure's or the guest's words. */
  detail?: string;
  /** Azure's error code when it failed (`OperationNotAllowed`, `VMAgentStatusCommunicationError`, …). */
  code?: string;
  /** The merged samples, when at least one was taken (a cancelled VM may have some). */
  snapshot?: ConnectionSnapshot;
  samplesTaken: number;
}

export interface SnapshotRunReport {
  plan: SnapshotPlan;
  /** In the plan's VM order. */
  results: VmSnapshotResult[];
  startedAt: string;
  endedAt: string;
  cancelled: boolean;
}

/** The Azure call a run needs (`RunCommandReads.runCommand` for the VM's tenant). */
export interface SnapshotRunPort {
  runCommand(vm: PlannedVm, command: SnapshotCommand, signal: AbortSignal): Promise<RunCommandStatus[]>;
}

export interface SnapshotRunOptions {
  signal: AbortSignal;
  progress(message: string): void;
  now?(): Date;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  wait?(ms: number, signal: AbortSignal): Promise<void>;
  /** VMs run at once (default 4). */
  concurrency?: number;
  log?(message: string): void;
}

/** Lines of stderr kept in a snapshot's notes. */
const stderrLinesKept = 3;

function abortableWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason ?? new Error('cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** One sample's snapshot from a Run Command result; throws with the guest's words when the script failed and printed nothing. */
export function sampleFrom(vm: PlannedVm, os: SnapshotOs, value: readonly RunCommandStatus[], takenAt: string): ConnectionSnapshot {
  const streams = runCommandStreams(value);
  const stderr = streams.stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (streams.failure !== undefined && streams.stdout.trim() === '') {
    throw Object.assign(new Error(`The command failed in the VM: ${[streams.failure, ...stderr.slice(0, stderrLinesKept)].join(' ')}`), { code: 'ScriptFailed' });
  }
  const listing = parseSocketListing(os, streams.stdout);
  const notes: string[] = [];
  if (streams.failure !== undefined) {
    notes.push(`The command reported: ${streams.failure}.`);
  }
  for (const line of stderr.slice(0, stderrLinesKept)) {
    notes.push(`stderr: ${line}`);
  }
  if (listing.skippedCount > 0) {
    notes.push(`${plural(listing.skippedCount, 'line')} of output could not be read as a socket (Run Command keeps only the last 4,096 bytes, so the first line may be cut).`);
  }
  return {
    vmId: vm.armId.toLowerCase(),
    vmName: vm.name,
    os,
    takenAt,
    samples: 1,
    sockets: listing.sockets,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

async function snapshotVm(vm: PlannedVm, plan: SnapshotPlan, port: SnapshotRunPort, options: Required<Pick<SnapshotRunOptions, 'signal' | 'progress' | 'now' | 'wait'>> & Pick<SnapshotRunOptions, 'log'>): Promise<VmSnapshotResult> {
  const os = vm.os ?? 'Linux';
  const command = plan.commands[os];
  const base = { vmId: vm.armId, vmName: vm.name, os };
  if (command === undefined) {
    return { ...base, status: 'failed', detail: `No snapshot command is planned for ${os}.`, samplesTaken: 0 };
  }
  const samples: ConnectionSnapshot[] = [];
  const failures: Array<{ code: string; text: string }> = [];
  const started = options.now().getTime();
  for (let index = 0; index < plan.samples; index++) {
    try {
      const due = started + index * plan.intervalSeconds * 1000;
      const delay = due - options.now().getTime();
      if (index > 0 && delay > 0) {
        await options.wait(delay, options.signal);
      }
      options.progress(plan.samples > 1 ? `${vm.name}: sample ${index + 1} of ${plan.samples}` : `${vm.name}: running ${command.script[0].length > 40 ? command.commandId : command.script[0]}`);
      const takenAt = options.now().toISOString();
      const value = await port.runCommand(vm, command, options.signal);
      samples.push(sampleFrom(vm, os, value, takenAt));
    } catch (error) {
      if (options.signal.aborted || isCancellation(error)) {
        return { ...base, status: 'cancelled', detail: `Cancelled after ${plural(samples.length, 'sample')}.`, samplesTaken: samples.length, ...(samples.length > 0 ? { snapshot: mergeSamples(samples) } : {}) };
      }
      const problem = (error as { code?: unknown }).code === 'ScriptFailed' ? { code: 'ScriptFailed', message: (error as Error).message } : toArmProblem(error);
      options.log?.(`Snapshot Connections: ${vm.name}, sample ${index + 1}: ${problem.code}: ${problem.message}`);
      if (index === 0 && problem.code !== 'ScriptFailed') {
        // Azure refused the first run outright (stopped since planning, no permission, agent gone): later samples would be refused too.
        return { ...base, status: 'failed', code: problem.code, detail: problem.message, samplesTaken: 0 };
      }
      failures.push({ code: problem.code, text: `Sample ${index + 1} failed: ${problem.code}: ${problem.message}` });
    }
  }
  if (samples.length === 0) {
    return { ...base, status: 'failed', code: failures[failures.length - 1]?.code ?? 'Failed', detail: failures.map((failure) => failure.text).join(' '), samplesTaken: 0 };
  }
  const merged = mergeSamples(samples);
  const snapshot = failures.length > 0 ? { ...merged, notes: [...(merged.notes ?? []), ...failures.map((failure) => failure.text)] } : merged;
  return { ...base, status: 'ok', snapshot, samplesTaken: samples.length };
}

/** Runs `plan` and reports every VM; resolves (never rejects) once all VMs are done or cancelled. */
export async function runSnapshot(plan: SnapshotPlan, port: SnapshotRunPort, options: SnapshotRunOptions): Promise<SnapshotRunReport> {
  const now = options.now ?? (() => new Date());
  const wait = options.wait ?? abortableWait;
  const startedAt = now().toISOString();
  const results = new Map<string, VmSnapshotResult>();
  for (const vm of plan.vms) {
    if (vm.skip !== undefined) {
      results.set(vm.armId, { vmId: vm.armId, vmName: vm.name, ...(vm.os ? { os: vm.os } : {}), status: vm.skip, ...(vm.detail ? { detail: vm.detail } : {}), samplesTaken: 0 });
    }
  }
  const queue = [...vmsToRun(plan)];
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
    for (let vm = queue.shift(); vm !== undefined; vm = queue.shift()) {
      if (options.signal.aborted) {
        results.set(vm.armId, { vmId: vm.armId, vmName: vm.name, ...(vm.os ? { os: vm.os } : {}), status: 'cancelled', detail: 'Cancelled before it ran.', samplesTaken: 0 });
        continue;
      }
      results.set(vm.armId, await snapshotVm(vm, plan, port, { signal: options.signal, progress: options.progress, now, wait, log: options.log }));
    }
  });
  await Promise.all(workers);
  return {
    plan,
    results: plan.vms.map((vm) => results.get(vm.armId) as VmSnapshotResult),
    startedAt,
    endedAt: now().toISOString(),
    cancelled: options.signal.aborted,
  };
}
