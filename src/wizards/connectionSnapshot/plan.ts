/**
 * The plan of "Snapshot Connections…" and its review: which VMs, what runs in each (the exact
 * command per OS), how many samples over which window, and which VMs are left out before anything
 * runs (not running, VM agent not ready, unreadable). Pure; no `vscode` import here.
 */
import { codeBlock, escapeMarkdown } from '../../core/markdown';
import { plural } from '../../core/quantities';
import type { SnapshotOs } from '../../core/connectionSnapshot';
import { snapshotCommands, type SnapshotCommand } from '../../core/socketListParsers';

/** At most this many samples per VM, and this long a window: each sample is a Run Command (about 20 s or more each). */
export const samplingBounds = { maxSamples: 10, minIntervalSeconds: 10, maxIntervalSeconds: 120, maxWindowSeconds: 600 } as const;

export interface SnapshotAnswers {
  /** Lower-case ARM ids of the VMs picked. */
  vmIds: string[];
  /** 1 for a single snapshot. */
  samples: number;
  /** Seconds between the starts of two samples (0 for a single one). */
  intervalSeconds: number;
}

/** What was read of a VM before planning (its instance view), or why it could not be read. */
export interface SnapshotVmFact {
  armId: string;
  name: string;
  subscriptionName: string;
  tenantId: string;
  privateIps: string[];
  os?: SnapshotOs;
  /** `running`, `deallocated`, `stopped`, …, or `unknown`. */
  powerState?: string;
  agent?: 'ready' | 'notReady';
  agentDetail?: string;
  /** Azure's error when the VM could not be read: `AuthorizationFailed: …`. */
  readProblem?: { code: string; message: string };
}

/** Why a VM is left out before anything runs. */
export type SnapshotSkip = 'stopped' | 'agentNotReady' | 'unreadable';

export interface PlannedVm {
  armId: string;
  name: string;
  subscriptionName: string;
  tenantId: string;
  privateIps: string[];
  os?: SnapshotOs;
  powerState: string;
  /** Set when the VM is left out; `detail` says why in Azure's or the agent's words. */
  skip?: SnapshotSkip;
  detail?: string;
}

export interface SnapshotPlan {
  title: string;
  vms: PlannedVm[];
  samples: number;
  intervalSeconds: number;
  /** The command per OS of the VMs that will run it. */
  commands: Partial<Record<SnapshotOs, SnapshotCommand>>;
}

/** `3 samples, 30 s apart (about 1 min)`, or `one snapshot`. */
export function describeSampling(samples: number, intervalSeconds: number): string {
  if (samples <= 1) {
    return 'one snapshot';
  }
  const window = (samples - 1) * intervalSeconds;
  return `${samples} samples, ${intervalSeconds} s apart (about ${window >= 60 ? `${Math.round(window / 60)} min` : `${window} s`})`;
}

/** Why a sampling answer is out of bounds, or `undefined`. */
export function checkSampling(samples: number, intervalSeconds: number): string | undefined {
  if (!Number.isInteger(samples) || samples < 1 || samples > samplingBounds.maxSamples) {
    return `Take 1 to ${samplingBounds.maxSamples} samples.`;
  }
  if (samples > 1 && (intervalSeconds < samplingBounds.minIntervalSeconds || intervalSeconds > samplingBounds.maxIntervalSeconds)) {
    return `Samples must be ${samplingBounds.minIntervalSeconds} to ${samplingBounds.maxIntervalSeconds} seconds apart.`;
  }
  if ((samples - 1) * intervalSeconds > samplingBounds.maxWindowSeconds) {
    return `The samples must fit in ${samplingBounds.maxWindowSeconds / 60} minutes.`;
  }
  return undefined;
}

function skipOf(fact: SnapshotVmFact): { skip: SnapshotSkip; detail: string } | undefined {
  if (fact.readProblem) {
    return { skip: 'unreadable', detail: `${fact.readProblem.code}: ${fact.readProblem.message}` };
  }
  if (fact.powerState !== 'running') {
    return { skip: 'stopped', detail: `The VM is ${fact.powerState ?? 'unknown'}; Run Command needs it running.` };
  }
  if (fact.agent !== 'ready') {
    return { skip: 'agentNotReady', detail: `The VM agent is not ready (${fact.agentDetail ?? 'no status'}); Run Command needs it Ready.` };
  }
  return undefined;
}

/** The plan: every picked VM, in the answers' order, with the ones left out marked and why. Throws when a sampling answer is out of bounds. */
export function planSnapshot(answers: SnapshotAnswers, facts: readonly SnapshotVmFact[]): SnapshotPlan {
  const problem = checkSampling(answers.samples, answers.intervalSeconds);
  if (problem !== undefined) {
    throw new Error(`Snapshot Connections: ${problem}`);
  }
  const byId = new Map(facts.map((fact) => [fact.armId.toLowerCase(), fact]));
  const vms = answers.vmIds.map((vmId): PlannedVm => {
    const fact = byId.get(vmId.toLowerCase());
    if (fact === undefined) {
      throw new Error(`Snapshot Connections: virtual machine ${vmId} was not read before planning.`);
    }
    const skip = skipOf(fact);
    return {
      armId: fact.armId.toLowerCase(),
      name: fact.name,
      subscriptionName: fact.subscriptionName,
      tenantId: fact.tenantId,
      privateIps: fact.privateIps,
      ...(fact.os ? { os: fact.os } : {}),
      powerState: fact.powerState ?? 'unknown',
      ...(skip ?? {}),
    };
  });
  const commands: Partial<Record<SnapshotOs, SnapshotCommand>> = {};
  for (const vm of vms) {
    if (vm.skip === undefined && vm.os !== undefined) {
      commands[vm.os] = snapshotCommands[vm.os];
    }
  }
  const runs = vms.filter((vm) => vm.skip === undefined).length;
  return {
    title: `Snapshot connections of ${plural(runs, 'VM')}`,
    vms,
    samples: answers.samples,
    intervalSeconds: answers.samples > 1 ? answers.intervalSeconds : 0,
    commands,
  };
}

/** The VMs the snapshot runs on. */
export function vmsToRun(plan: SnapshotPlan): PlannedVm[] {
  return plan.vms.filter((vm) => vm.skip === undefined);
}

const skipWords: Record<SnapshotSkip, string> = { stopped: 'not running', agentNotReady: 'VM agent not ready', unreadable: "couldn't read" };

/** The review as markdown: what runs where, the exact commands, and who is left out. */
export function renderSnapshotPlan(plan: SnapshotPlan): string {
  const running = vmsToRun(plan);
  const lines = [
    `# ${plan.title}`,
    '',
    `Runs a read-only command in each VM through Run Command (the VM agent runs it as root or SYSTEM), ${describeSampling(plan.samples, plan.intervalSeconds)}. Nothing runs until you choose **Run Snapshot**. Run Command keeps only the last 4,096 bytes of output, so a VM with many sockets may show only some of them.`,
    '',
    '## Virtual machines',
    '',
    '| VM | OS | Private IPs | Subscription | Runs |',
    '| --- | --- | --- | --- | --- |',
    ...plan.vms.map((vm) => `| ${escapeMarkdown(vm.name)} | ${vm.os ?? '?'} | ${escapeMarkdown(vm.privateIps.join(', ') || '—')} | ${escapeMarkdown(vm.subscriptionName)} | ${vm.skip === undefined ? 'yes' : `no: ${escapeMarkdown(skipWords[vm.skip])}`} |`),
    '',
  ];
  const skipped = plan.vms.filter((vm) => vm.skip !== undefined);
  if (skipped.length > 0) {
    lines.push('## Left out', '', ...skipped.map((vm) => `- **${escapeMarkdown(vm.name)}**: ${escapeMarkdown(vm.detail ?? skipWords[vm.skip as SnapshotSkip])}`), '');
  }
  lines.push('## Commands', '');
  if (running.length === 0) {
    lines.push('No VM can run the snapshot now.', '');
  }
  for (const os of ['Linux', 'Windows'] as const) {
    const command = plan.commands[os];
    if (command === undefined) {
      continue;
    }
    const names = running.filter((vm) => vm.os === os).map((vm) => vm.name);
    lines.push(`### ${os} (\`${command.commandId}\`): ${escapeMarkdown(names.join(', '))}`, '', ...codeBlock(command.script.join('\n'), os === 'Windows' ? 'powershell' : 'sh'), '');
  }
  return lines.join('\n');
}
