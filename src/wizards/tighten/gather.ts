/**
 * The questions of "Tighten NSG from Traffic…": which NSG (skipped when the row fixes it), how many
 * hours of flow logs, how far to widen remote addresses, whether to add an explicit deny, then which
 * proposed allow rules to keep (computed from the flows for the answers so far). No `vscode` import here.
 */
import { askQuestions, type AnswerTrail, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import type { ExplicitDeny, Granularity, TightenProposal } from './ruleSynthesis';
import type { TightenAnswers, TightenNsg } from './tightenFacts';

export interface TightenQuestionsEstate {
  nsgs: TightenNsg[];
}

export interface TightenSeed {
  /** Lower-cased NSG id fixed by the row the command ran on. */
  nsgId?: string;
}

/** Proposes rules for the answers so far (reads the flows of the window once per NSG and window). */
export type Propose = (answers: Omit<TightenAnswers, 'acceptedRules'>) => Promise<TightenProposal | undefined>;

const title = 'Tighten NSG from Traffic';

export const windowChoices: ReadonlyArray<{ hours: number; label: string }> = [
  { hours: 1, label: 'Last hour' },
  { hours: 6, label: 'Last 6 hours' },
  { hours: 24, label: 'Last 24 hours' },
  { hours: 72, label: 'Last 3 days' },
  { hours: 168, label: 'Last 7 days' },
];

const granularities: ReadonlyArray<PickItem<Granularity>> = [
  { label: 'Each address', description: '/32', detail: 'Exactly the sources seen: the tightest rules, and the most of them.', value: 'address' },
  { label: 'Its /24', description: '/24 (IPv6 /64)', detail: 'Clients in the same /24 share a prefix.', value: '24' },
  { label: 'Its /16', description: '/16 (IPv6 /48)', detail: 'Wider prefixes, fewer rules.', value: '16' },
  { label: 'Its subnet', description: 'from the estate', detail: 'The subnet an address belongs to; other addresses stay themselves.', value: 'subnet' },
  { label: 'Its virtual network', description: 'from the estate', detail: 'The address space of the VNet an address belongs to; other addresses stay themselves.', value: 'vnet' },
];

const denies: ReadonlyArray<PickItem<ExplicitDeny>> = [
  { label: 'No explicit deny', detail: 'Inbound, DenyAllInBound still denies what no rule allows; the defaults keep allowing VNet, load balancer and outbound traffic.', value: 'none' },
  { label: 'Deny all other inbound', detail: 'A deny at 4096: VNet and load-balancer traffic not seen is denied too.', value: 'inbound' },
  { label: 'Deny all other outbound', detail: 'A deny at 4096: outbound traffic not seen (internet included) is denied.', value: 'outbound' },
  { label: 'Deny all other traffic, both ways', value: 'both' },
];

type Draft = Partial<TightenAnswers>;

function complete(draft: Draft): Omit<TightenAnswers, 'acceptedRules'> | undefined {
  return draft.nsgId === undefined || draft.windowHours === undefined || draft.granularity === undefined || draft.explicitDeny === undefined
    ? undefined
    : { nsgId: draft.nsgId, windowHours: draft.windowHours, granularity: draft.granularity, explicitDeny: draft.explicitDeny };
}

/** Asks the questions; `undefined` when cancelled. */
export async function gatherTightenNsg(ui: WizardUi, estate: TightenQuestionsEstate, seed: TightenSeed, propose: Propose, trail?: AnswerTrail): Promise<TightenAnswers | undefined> {
  const single = <T>(id: string, placeholder: string, items: ReadonlyArray<PickItem<T>>, current: T | undefined, step: { step: number; totalSteps: number }) =>
    ui.pick<T>({ id, title, ...step, placeholder, items: items.map((item) => ({ ...item, picked: current === undefined ? item.picked : item.value === current })) });
  const questions: Question<Draft>[] = [
    {
      id: 'tighten.nsg',
      shouldAsk: () => seed.nsgId === undefined,
      ask: async (draft, step) => {
        const answer = await ui.pick<string>({
          id: 'tighten.nsg',
          title,
          ...step,
          placeholder: 'Which network security group?',
          items: estate.nsgs.map((nsg) => ({
            label: nsg.name,
            description: `${nsg.subnetIds.length} subnet${nsg.subnetIds.length === 1 ? '' : 's'} · ${nsg.nicIds.length} NIC${nsg.nicIds.length === 1 ? '' : 's'}`,
            detail: `${nsg.subscriptionName} · resource group ${nsg.resourceGroup} · ${nsg.location}`,
            value: nsg.id,
            picked: nsg.id === draft.nsgId,
          })),
          emptyMessage: 'No network security groups in the subscriptions the view shows.',
        });
        return answer === back || answer === undefined ? answer : { ...draft, nsgId: answer, acceptedRules: undefined };
      },
    },
    {
      id: 'tighten.window',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const answer = await single('tighten.window', 'Which flows? Flow logs of the NSG’s interfaces over…', windowChoices.map((choice) => ({ label: choice.label, value: choice.hours, picked: choice.hours === 24 })), draft.windowHours, step);
        return answer === back || answer === undefined ? answer : { ...draft, windowHours: answer, acceptedRules: undefined };
      },
    },
    {
      id: 'tighten.granularity',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const answer = await single('tighten.granularity', 'Widen remote addresses to…', granularities.map((item) => ({ ...item, picked: item.value === '24' })), draft.granularity, step);
        return answer === back || answer === undefined ? answer : { ...draft, granularity: answer, acceptedRules: undefined };
      },
    },
    {
      id: 'tighten.deny',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const answer = await single('tighten.deny', 'Add an explicit deny after the allow rules?', denies.map((item) => ({ ...item, picked: item.value === 'none' })), draft.explicitDeny, step);
        return answer === back || answer === undefined ? answer : { ...draft, explicitDeny: answer, acceptedRules: undefined };
      },
    },
    {
      id: 'tighten.rules',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const answers = complete(draft);
        const proposal = answers === undefined ? undefined : await propose(answers);
        if (proposal === undefined) {
          return undefined;
        }
        const allows = proposal.rules.filter((proposed) => proposed.origin === 'allow');
        if (allows.length === 0) {
          return { ...draft, acceptedRules: [] };
        }
        const kept = new Set(draft.acceptedRules ?? allows.map((proposed) => proposed.rule.name));
        const answer = await ui.pickMany<string>({
          id: 'tighten.rules',
          title,
          ...step,
          placeholder: 'Keep these allow rules (a flow whose rule is dropped is denied; the review lists them)',
          items: allows.map((proposed) => {
            const rule = proposed.rule;
            const remote = rule.direction === 'Inbound' ? rule.sourceAddressPrefixes : rule.destinationAddressPrefixes;
            const local = rule.direction === 'Inbound' ? rule.destinationAddressPrefixes : rule.sourceAddressPrefixes;
            return {
              label: rule.name,
              description: `${proposed.count} tuple${proposed.count === 1 ? '' : 's'}`,
              detail: `${rule.direction} ${rule.protocol} ${rule.direction === 'Inbound' ? `from ${remote.join(', ')} to ${local.join(', ')}` : `from ${local.join(', ')} to ${remote.join(', ')}`}${rule.destinationPortRanges[0] === '*' ? '' : ` port ${rule.destinationPortRanges.join(', ')}`}`,
              value: rule.name,
              picked: kept.has(rule.name),
              group: rule.direction,
            };
          }),
          minimum: 0,
        });
        return answer === back || answer === undefined ? answer : { ...draft, acceptedRules: answer };
      },
    },
  ];
  const draft = await askQuestions(questions, { ...(seed.nsgId === undefined ? {} : { nsgId: seed.nsgId }) }, trail);
  const answers = draft === undefined ? undefined : complete(draft);
  return answers === undefined || draft === undefined ? undefined : { ...answers, ...(draft.acceptedRules === undefined ? {} : { acceptedRules: draft.acceptedRules }) };
}
