/**
 * The questions of "Snapshot Connections…": which VMs (skipped when started from a VM or NIC row;
 * a subnet or VNet row pre-picks its VMs), then one snapshot or several samples, then how far
 * apart; last the review: the plan (VMs, the exact command per OS, who is left out) is shown and
 * nothing runs until "Run Snapshot" is chosen. Back re-asks the previous question with its old
 * answer. No `vscode` import here.
 */
import { plural } from '../../core/quantities';
import { askQuestions, type AnswerTrail, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { checkSampling, describeSampling, samplingBounds, vmsToRun, type SnapshotAnswers, type SnapshotPlan } from './plan';
import type { SnapshotVmChoice } from './snapshotEstate';

export interface SnapshotSeed {
  /** Lower-case ids of the VMs the row stands for. */
  vmIds: string[];
  /** True when the row is one VM (a VM or NIC row): the VM question is skipped. */
  single: boolean;
}

interface Draft {
  vmIds?: string[];
  samples?: number;
  intervalSeconds?: number;
  plan?: SnapshotPlan;
}

/** Reads the picked VMs, plans, and shows the plan (the review document); the review question follows. */
export type ShowSnapshotPlan = (answers: SnapshotAnswers) => Promise<SnapshotPlan>;

const title = 'Snapshot Connections';
const sampleCounts = [1, 3, 5, 10] as const;
const intervals = [10, 30, 60] as const;

function answersOf(draft: Draft, seed: SnapshotSeed): SnapshotAnswers {
  const samples = draft.samples ?? 1;
  return { vmIds: draft.vmIds ?? seed.vmIds, samples, intervalSeconds: samples > 1 ? (draft.intervalSeconds ?? intervals[0]) : 0 };
}

/** Asks the questions and the review; the plan to run, or `undefined` when cancelled. */
export async function gatherSnapshot(ui: WizardUi, vms: readonly SnapshotVmChoice[], seed: SnapshotSeed, showPlan: ShowSnapshotPlan, trail?: AnswerTrail): Promise<SnapshotPlan | undefined> {
  if (vms.length === 0) {
    throw new Error('No virtual machines in the shown subscriptions: a connection snapshot runs in VMs. Select subscriptions with VMs and try again.');
  }
  const questions: Question<Draft>[] = [
    {
      id: 'snapshot.vms',
      shouldAsk: () => !seed.single,
      ask: async (draft, step) => {
        const chosen = new Set(draft.vmIds ?? seed.vmIds);
        const items: PickItem<string>[] = vms.map((vm) => ({
          label: vm.name,
          description: vm.privateIps.join(', '),
          value: vm.armId,
          group: vm.subscriptionName,
          picked: chosen.has(vm.armId),
        }));
        const answer = await ui.pickMany({ id: 'snapshot.vms', title, ...step, placeholder: 'Virtual machines to snapshot (stopped ones are reported, not run)', items, minimum: 1 });
        return answer === back || answer === undefined ? answer : { ...draft, vmIds: answer };
      },
    },
    {
      id: 'snapshot.samples',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const items: PickItem<number>[] = sampleCounts.map((count) => ({
          label: count === 1 ? 'Once' : `${count} samples`,
          description: count === 1 ? 'One snapshot of each VM' : 'Repeated over a short window, to catch short-lived connections',
          value: count,
          picked: (draft.samples ?? 1) === count,
        }));
        const answer = await ui.pick({ id: 'snapshot.samples', title, ...step, placeholder: 'How many times to read each VM’s sockets', items });
        return answer === back || answer === undefined ? answer : { ...draft, samples: answer, ...(answer === 1 ? { intervalSeconds: 0 } : {}) };
      },
    },
    {
      id: 'snapshot.interval',
      shouldAsk: (draft) => (draft.samples ?? 1) > 1,
      ask: async (draft, step) => {
        const samples = draft.samples ?? 1;
        const items: PickItem<number>[] = intervals
          .filter((seconds) => checkSampling(samples, seconds) === undefined)
          .map((seconds) => ({ label: `${seconds} seconds apart`, description: describeSampling(samples, seconds), value: seconds, picked: draft.intervalSeconds === seconds }));
        const answer = await ui.pick({ id: 'snapshot.interval', title, ...step, placeholder: `Time between samples (the window is at most ${samplingBounds.maxWindowSeconds / 60} minutes)`, items });
        return answer === back || answer === undefined ? answer : { ...draft, intervalSeconds: answer };
      },
    },
    {
      id: 'snapshot.review',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const plan = await showPlan(answersOf(draft, seed));
        const runs = vmsToRun(plan).length;
        const items: PickItem<'run' | 'cancel'>[] = [
          ...(runs > 0 ? [{ label: '$(play) Run Snapshot', description: `${plural(runs, 'VM')}, ${describeSampling(plan.samples, plan.intervalSeconds)}`, value: 'run' as const }] : []),
          { label: '$(close) Cancel', value: 'cancel' },
        ];
        const placeholder = runs > 0 ? 'Read the snapshot plan (the commands and the VMs), then choose' : 'No picked VM can run the snapshot now: see the plan for why';
        const answer = await ui.pick({ id: 'snapshot.review', title: plan.title, ...step, placeholder, items });
        if (answer === back) {
          return back;
        }
        return answer === 'run' ? { ...draft, plan } : undefined;
      },
    },
  ];
  const start: Draft = seed.single ? { vmIds: seed.vmIds } : {};
  const draft = await askQuestions(questions, start, trail);
  return draft?.plan;
}
