/**
 * The TAP wizard's questions. Facts the right-clicked row already answers (a TAP to add sources to,
 * the NICs of a selection, subnet or VNet) are skipped or pre-picked; Back re-asks the previous
 * question with its old answer.
 */
import { nameOf, parentId } from '../../azure/armIds';
import { askQuestions, type AnswerTrail, type Question, type StepNumber } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { mirrorProblem, validateTapName, vxlanBlocks } from './checks';
import { defaultConfigurationName, type TapAnswers } from './plan';
import { tapArmId, type TapDestination, type TapDestinationKind, type TapEstate, type TapSourceNic } from './tapModel';
import { hubWords } from '../shared/hubNames';
import { defaultNetworkName } from '../shared/networkNames';

/** What the command knows before asking: NICs to pre-pick, or a TAP to add sources to. */
export interface TapSeed {
  nicIds?: string[];
  tapId?: string;
}

interface Draft {
  destinationKind?: TapDestinationKind;
  destinationId?: string;
  tapChoice?: string;
  tapName?: string;
  sourceIds?: string[];
  configurationName?: string;
  addNsgRule?: boolean;
  restartVms?: boolean;
}

const newTap = '#new';
const wizardTitle = 'Mirror Traffic to a Collector';

/**
 * What a TAP needs, said once before the first question rather than only in the plan:
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview (preview regions,
 * a stop and start of each source VM, VXLAN to UDP 4789) and the one tap configuration per NIC of
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq.
 */
export const tapRequirements = 'preview regions, VM restart, UDP 4789, one TAP per NIC';

/** The title of a question: the first one asked also says what a TAP needs. */
function titleFor(step: StepNumber): string {
  return step.step === 1 ? `${wizardTitle} — ${tapRequirements}` : wizardTitle;
}

/** Words in NIC, VM or tag names that mark a collector (an NDR sensor, packet broker, IDS…). */
const collectorWords = /collector|sensor|ndr|\bids\b|probe|packet|capture|monitor|zeek|suricata|vtap|tap-?dest|broker/i;

/**
 * Why a destination looks like a collector, strongest first (`rank` 0 to 2), or `undefined` for a
 * workload NIC: an internal load balancer frontend, a NIC or VM named or tagged as a collector, a
 * NIC in a hub or security subscription.
 */
export function collectorHint(destination: TapDestination): { hint: string; rank: number } | undefined {
  if (destination.kind === 'loadBalancer') {
    return destination.isPublic ? undefined : { hint: 'internal load balancer', rank: 0 };
  }
  if (collectorWords.test(destination.parentName) || collectorWords.test(destination.vmName ?? '')) {
    return { hint: 'named as a collector', rank: 1 };
  }
  if (Object.entries(destination.tags ?? {}).some(([name, value]) => collectorWords.test(name) || collectorWords.test(value))) {
    return { hint: 'tagged as a collector', rank: 1 };
  }
  if (hubWords.test(destination.subscriptionName ?? '')) {
    return { hint: 'hub or security subscription', rank: 2 };
  }
  return undefined;
}

/** The destination list's first group, and the only one Enter may take without a look. */
const likelyCollectors = 'Likely collectors';

/** The destination list: likely collectors first, then the rest; each with its subscription, VM and VNet. */
export function destinationItems(destinations: readonly TapDestination[], previous: string | undefined): PickItem<string>[] {
  const ranked = destinations.map((item) => ({ item, ...collectorHint(item) }));
  const likely = ranked.filter((entry) => entry.hint !== undefined).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const others = ranked.filter((entry) => entry.hint === undefined);
  const toItem = ({ item, hint }: { item: TapDestination; hint?: string }, group: string): PickItem<string> => ({
    label: item.label,
    description: [item.privateIp, item.kind === 'loadBalancer' ? `${item.sku ?? ''} load balancer`.trim() : item.vmName ? `VM ${item.vmName}` : 'no VM', item.subnetId ? `VNet ${nameOf(parentId(item.subnetId))}` : 'no VNet'].filter(Boolean).join(' · '),
    detail: [hint ? `Likely collector: ${hint}` : undefined, item.subscriptionName ?? item.subscriptionId, `resource group ${item.resourceGroup}`, item.location].filter(Boolean).join(' · '),
    value: item.id,
    picked: item.id === previous,
    group,
  });
  const rest = others[0]?.item.kind === 'loadBalancer' ? 'load balancer frontends' : 'network interfaces';
  return [...likely.map((entry) => toItem(entry, likelyCollectors)), ...others.map((entry) => toItem(entry, likely.length > 0 ? `Other ${rest}` : rest[0].toUpperCase() + rest.slice(1)))];
}

function destinationOf(estate: TapEstate, draft: Draft): TapDestination | undefined {
  return estate.destinations.find((item) => item.id === draft.destinationId);
}

/** The name the TAP question suggests for a new TAP to `destination`. */
function suggestedTapName(destination: TapDestination | undefined): string {
  return defaultNetworkName(`vtap-${destination?.parentName ?? 'collector'}`);
}

function tapNameOf(estate: TapEstate, draft: Draft): string {
  return draft.tapChoice !== undefined && draft.tapChoice !== newTap ? (estate.taps.find((tap) => tap.id === draft.tapChoice)?.name ?? nameOf(draft.tapChoice)) : (draft.tapName ?? '');
}

function tapIdOf(estate: TapEstate, draft: Draft): string {
  const destination = destinationOf(estate, draft);
  if (draft.tapChoice !== undefined && draft.tapChoice !== newTap) {
    return draft.tapChoice;
  }
  return destination ? tapArmId(destination, draft.tapName ?? '').toLowerCase() : '';
}

/** Where the TAP is (or will be): a reused TAP's region, else the destination's. */
function tapLocationOf(estate: TapEstate, draft: Draft, destination: TapDestination): string {
  return draft.tapChoice !== undefined && draft.tapChoice !== newTap ? (estate.taps.find((tap) => tap.id === draft.tapChoice)?.location ?? destination.location) : destination.location;
}

function nicDescription(nic: TapSourceNic, estate: TapEstate): string {
  const vnet = nic.subnetIds[0] ? nameOf(parentId(nic.subnetIds[0])) : 'no VNet';
  const tapped = nic.tapConfigurations.map((configuration) => `mirrors into ${estate.taps.find((tap) => tap.id === configuration.tapId)?.name ?? nameOf(configuration.tapId)}`);
  return [nic.privateIps[0], nic.vmName ? `VM ${nic.vmName}` : 'no VM', vnet, nic.location, ...tapped].filter(Boolean).join(' · ');
}

/** Yes/No items; `previous` (the earlier answer, when Back re-asks) is marked picked. */
const yesNo = (yes: string, no: string, previous?: boolean): PickItem<string>[] => [
  { label: 'Yes', description: yes, value: 'yes', picked: previous === true },
  { label: 'No', description: no, value: 'no', picked: previous === false },
];

/** Asks the questions; `undefined` when cancelled. */
export async function gatherTap(ui: WizardUi, estate: TapEstate, seed: TapSeed = {}, trail?: AnswerTrail): Promise<TapAnswers | undefined> {
  const seededTap = seed.tapId === undefined ? undefined : estate.taps.find((tap) => tap.id === seed.tapId);
  if (seed.tapId !== undefined && seededTap === undefined) {
    throw new Error(`The virtual network TAP ${nameOf(seed.tapId)} is no longer in the inventory. Refresh the view and try again.`);
  }
  let draft: Draft = {};
  if (seededTap) {
    const destination = estate.destinations.find((item) => item.id === seededTap.destinationId);
    if (destination === undefined) {
      throw new Error(`The destination of ${seededTap.name} (${seededTap.destinationArmId ?? 'none'}) is not in the subscriptions the view shows, so sources can't be checked against it.`);
    }
    draft = { destinationKind: destination.kind, destinationId: destination.id, tapChoice: seededTap.id };
  }
  const seededNics = new Set(seed.nicIds ?? []);
  const tapsTo = (destinationId: string | undefined): boolean => estate.taps.some((tap) => tap.destinationId === destinationId);
  // Back to another destination or TAP: names that were only suggested for the old one are suggested
  // anew (vtap-<destination>, tapcfg-<TAP>); names the user typed are kept.
  const changed = (current: Draft, change: Partial<Draft>): Draft => {
    const next: Draft = { ...current, ...change };
    if (next.destinationId !== current.destinationId && current.tapName === suggestedTapName(destinationOf(estate, current))) {
      delete next.tapName;
    }
    if (tapNameOf(estate, next) !== tapNameOf(estate, current) && current.configurationName === defaultConfigurationName(tapNameOf(estate, current))) {
      delete next.configurationName;
    }
    return next;
  };

  const questions: Question<Draft>[] = [
    {
      id: 'tap.destinationKind',
      shouldAsk: () => seededTap === undefined,
      ask: async (current, step) => {
        const answer = await ui.pick<TapDestinationKind>({
          id: 'tap.destinationKind',
          title: titleFor(step),
          ...step,
          placeholder: 'Where should mirrored packets go?',
          items: [
            { label: 'Collector VM network interface', description: 'A NIC IP configuration of the VM that receives VXLAN', value: 'nic', picked: current.destinationKind === 'nic' },
            { label: 'Internal load balancer frontend', description: 'A frontend IP configuration in front of several collectors', value: 'loadBalancer', picked: current.destinationKind === 'loadBalancer' },
          ],
        });
        return answer === back || answer === undefined ? answer : changed(current, { destinationKind: answer, destinationId: answer === current.destinationKind ? current.destinationId : undefined });
      },
    },
    {
      id: 'tap.destination',
      shouldAsk: () => seededTap === undefined,
      ask: async (current, step) => {
        // The NICs to mirror are not offered as their own destination.
        const items = destinationItems(
          estate.destinations.filter((item) => item.kind === current.destinationKind && !seededNics.has(item.parentArmId.toLowerCase())),
          current.destinationId,
        );
        const answer = await ui.pick<string>({
          id: 'tap.destination',
          title: titleFor(step),
          ...step,
          placeholder: current.destinationKind === 'nic' ? 'Pick the collector VM\u2019s IP configuration' : 'Pick the internal load balancer frontend',
          items,
          // Without a likely collector the first item is a workload NIC: Enter alone must not take it.
          noDefault: items[0]?.group !== likelyCollectors,
          emptyMessage: current.destinationKind === 'nic' ? 'No network interfaces in the subscriptions the view shows.' : 'No load balancers in the subscriptions the view shows.',
        });
        return answer === back || answer === undefined ? answer : changed(current, { destinationId: answer, tapChoice: answer === current.destinationId ? current.tapChoice : undefined });
      },
    },
    {
      id: 'tap.tap',
      shouldAsk: (current) => seededTap === undefined && current.destinationId !== undefined && tapsTo(current.destinationId),
      ask: async (current, step) => {
        const answer = await ui.pick<string>({
          id: 'tap.tap',
          title: titleFor(step),
          ...step,
          placeholder: 'Reuse a virtual network TAP that sends here, or create one',
          items: [
            ...estate.taps
              .filter((tap) => tap.destinationId === current.destinationId)
              .map((tap) => ({ label: tap.name, description: `${tap.sourceIds.length === 1 ? '1 source' : `${tap.sourceIds.length} sources`} · ${tap.location}`, detail: `resource group ${tap.resourceGroup}`, value: tap.id, picked: tap.id === current.tapChoice })),
            { label: 'New virtual network TAP…', value: newTap, picked: current.tapChoice === newTap },
          ],
        });
        return answer === back || answer === undefined ? answer : changed(current, { tapChoice: answer });
      },
    },
    {
      id: 'tap.name',
      // Before the destination is known this stands in for the TAP question or this one: one of them is asked.
      shouldAsk: (current) => current.tapChoice === newTap || (current.tapChoice === undefined && (current.destinationId === undefined || !tapsTo(current.destinationId))),
      ask: async (current, step) => {
        const destination = destinationOf(estate, current);
        const answer = await ui.input({
          id: 'tap.name',
          title: titleFor(step),
          ...step,
          prompt: 'Name of the new virtual network TAP (created in the destination\u2019s resource group)',
          value: current.tapName ?? suggestedTapName(destination),
          validate: (value) => {
            const problem = validateTapName(value);
            if (problem !== undefined || destination === undefined) {
              return problem;
            }
            const taken = estate.taps.find((tap) => tap.id === tapArmId(destination, value).toLowerCase());
            return taken && taken.destinationId !== destination.id ? `${value} already exists in ${destination.resourceGroup} and sends elsewhere. Choose another name.` : undefined;
          },
        });
        return answer === back || answer === undefined ? answer : changed(current, { tapChoice: newTap, tapName: answer });
      },
    },
    {
      id: 'tap.sources',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const destination = destinationOf(estate, current);
        const picked = new Set(current.sourceIds ?? seededNics);
        const target = destination === undefined ? undefined : { destination, tapId: tapIdOf(estate, current), tapLocation: tapLocationOf(estate, current, destination), estate };
        const judged = estate.nics
          .filter((nic) => nic.armId.toLowerCase() !== destination?.parentArmId.toLowerCase())
          .map((nic) => ({ nic, problem: target === undefined ? undefined : mirrorProblem(nic, target) }));
        const toItem = ({ nic, problem }: { nic: TapSourceNic; problem?: string }, group: string): PickItem<string> => ({
          label: nic.name,
          description: nicDescription(nic, estate),
          detail: problem === undefined ? `${nic.subscriptionName ?? nic.subscriptionId} · resource group ${nic.resourceGroup}` : `$(warning) Can't be mirrored: ${problem}`,
          value: nic.id,
          picked: picked.has(nic.id),
          group,
        });
        const mirrorable = judged.filter((entry) => entry.problem === undefined);
        const refused = judged.filter((entry) => entry.problem !== undefined);
        const destinationName = destination?.parentName ?? 'the destination';
        const items = [...mirrorable.map((entry) => toItem(entry, 'Network interfaces')), ...refused.map((entry) => toItem(entry, `Can't be mirrored to ${destinationName}`))];
        const answer = await ui.pickMany<string>({
          id: 'tap.sources',
          title: titleFor(step),
          ...step,
          placeholder: `Pick the network interfaces to mirror into ${tapNameOf(estate, current)}`,
          items,
          minimum: 1,
          emptyMessage: 'No network interfaces in the subscriptions the view shows.',
        });
        return answer === back || answer === undefined ? answer : { ...current, sourceIds: answer };
      },
    },
    {
      id: 'tap.configurationName',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.input({
          id: 'tap.configurationName',
          title: titleFor(step),
          ...step,
          prompt: 'Name of the tap configuration added to each NIC',
          value: current.configurationName ?? defaultConfigurationName(tapNameOf(estate, current)),
          validate: (value) => validateTapName(value, 'A tap configuration name'),
        });
        return answer === back || answer === undefined ? answer : { ...current, configurationName: answer };
      },
    },
    {
      id: 'tap.nsgRule',
      shouldAsk: (current) => {
        const destination = destinationOf(estate, current);
        if (destination === undefined || current.sourceIds === undefined) {
          return false;
        }
        const sources = estate.nics.filter((nic) => current.sourceIds?.includes(nic.id));
        return vxlanBlocks({ destination, tapId: tapIdOf(estate, current), tapName: tapNameOf(estate, current), tapLocation: destination.location, sources, estate }).length > 0;
      },
      ask: async (current, step) => {
        const answer = await ui.pick<string>({
          id: 'tap.nsgRule',
          title: titleFor(step),
          ...step,
          placeholder: 'Add an allow rule? An NSG in front of the destination denies UDP 4789 (VXLAN).',
          items: yesNo('Add AllowVxlanInbound before the deny rule', 'Leave the NSG as it is (mirrored packets are dropped)', current.addNsgRule),
        });
        return answer === back || answer === undefined ? answer : { ...current, addNsgRule: answer === 'yes' };
      },
    },
    {
      id: 'tap.restartVms',
      shouldAsk: (current) => {
        const tapId = tapIdOf(estate, current);
        return estate.nics.some((nic) => current.sourceIds?.includes(nic.id) && nic.vmArmId !== undefined && !nic.tapConfigurations.some((configuration) => configuration.tapId === tapId));
      },
      ask: async (current, step) => {
        const answer = await ui.pick<string>({
          id: 'tap.restartVms',
          title: titleFor(step),
          ...step,
          placeholder: 'Restart the source VMs? Mirroring begins only once each is stopped (deallocated) and started.',
          // No first: Enter alone never plans downtime.
          items: yesNo('Stop and start each new source VM after its tap configuration (a few minutes of downtime each)', 'I will restart the VMs myself; mirroring waits until then', current.restartVms).reverse(),
        });
        return answer === back || answer === undefined ? answer : { ...current, restartVms: answer === 'yes' };
      },
    },
  ];

  const asked = await askQuestions(questions, draft, trail);
  if (asked === undefined) {
    return undefined;
  }
  draft = asked;
  if (draft.destinationKind === undefined || draft.destinationId === undefined || draft.sourceIds === undefined) {
    return undefined;
  }
  const tapName = tapNameOf(estate, draft);
  return {
    destinationKind: draft.destinationKind,
    destinationId: draft.destinationId,
    tap: draft.tapChoice !== undefined && draft.tapChoice !== newTap ? { kind: 'existing', id: draft.tapChoice } : { kind: 'new', name: tapName },
    sourceIds: draft.sourceIds,
    configurationName: draft.configurationName ?? defaultConfigurationName(tapName),
    addNsgRule: draft.addNsgRule ?? false,
    restartVms: draft.restartVms ?? false,
  };
}
