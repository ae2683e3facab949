/**
 * The accelerated-networking wizard's one question: which network interfaces. NICs with it off are
 * offered, those from the right-clicked rows already picked; a picked NIC that already has it on is
 * listed too (the plan keeps it). No `vscode` import here.
 */
import { askQuestions, type AnswerTrail, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import type { AcceleratedAnswers, AcceleratedNic } from './acceleratedFacts';

/** What the questions need: every NIC of the shown subscriptions. */
export interface AcceleratedQuestionsEstate {
  nics: AcceleratedNic[];
}

/** NICs pre-picked from the rows the command was started on (lower-cased ids). */
export interface AcceleratedSeed {
  nicIds: string[];
}

const title = 'Enable Accelerated Networking';

function describe(nic: AcceleratedNic): string {
  return [nic.vmName ? `VM ${nic.vmName}` : 'no VM', nic.location, nic.enabled ? 'already on' : undefined].filter(Boolean).join(' · ');
}

/** Asks for the NICs; `undefined` when cancelled. */
export async function gatherAcceleratedNetworking(ui: WizardUi, estate: AcceleratedQuestionsEstate, seed: AcceleratedSeed, trail?: AnswerTrail): Promise<AcceleratedAnswers | undefined> {
  const seeded = new Set(seed.nicIds);
  const questions: Question<Partial<AcceleratedAnswers>>[] = [
    {
      id: 'an.nics',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const picked = new Set(current.nicIds ?? seeded);
        const toItem = (nic: AcceleratedNic, group: string): PickItem<string> => ({
          label: nic.name,
          description: describe(nic),
          detail: `${nic.subscriptionName} · resource group ${nic.resourceGroup}`,
          value: nic.id,
          picked: picked.has(nic.id),
          group,
        });
        const off = estate.nics.filter((nic) => !nic.enabled);
        const on = estate.nics.filter((nic) => nic.enabled && picked.has(nic.id));
        const answer = await ui.pickMany<string>({
          id: 'an.nics',
          title,
          ...step,
          placeholder: 'Pick the network interfaces to turn accelerated networking on for (their VMs are stopped and started)',
          items: [...off.map((nic) => toItem(nic, 'Accelerated networking off')), ...on.map((nic) => toItem(nic, 'Already on'))],
          minimum: 1,
          emptyMessage: 'Every network interface in the subscriptions the view shows already has accelerated networking on.',
        });
        return answer === back || answer === undefined ? answer : { ...current, nicIds: answer };
      },
    },
  ];
  const answers = await askQuestions(questions, {}, trail);
  return answers?.nicIds === undefined ? undefined : { nicIds: answers.nicIds };
}
