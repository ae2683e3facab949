/**
 * The questions of the mirroring set-ups (options 1A, 1B, 1C): what to mirror, where the collector
 * goes (an existing network or a new hub network in a security subscription), which collector (an
 * existing NIC or a new VM, whose own wizard's questions are asked here), how spokes reach the hub,
 * the TAP's name and the restart question. Back moves through all of them as through one wizard.
 * No `vscode` import here.
 */
import { nameOf, parentId } from '../../azure/armIds';
import type { VirtualHubFact } from '../../azure/virtualWanReads';
import type { PeeringVnet } from '../peering/peeringVnet';
import { defaultNetworkName } from '../shared/networkNames';
import { hubVnetWords, hubWords } from '../shared/hubNames';
import { liftQuestions, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { validateTapName } from '../tap/checks';
import { validateResourceGroupName } from '../collector/gather';
import { defaultConfigurationName } from '../tap/plan';
import { collectorHint } from '../tap/gather';
import type { TapEstate, TapSourceNic } from '../tap/tapModel';
import { freeHubAddressSpace, validateVnetName } from './hubNetwork';
import type { CollectorChoice, MirrorOption, MirrorSetUp } from './mirrorPlan';
import { parsePrefix } from '../../core/addresses';

/** A subscription the tree shows. */
export interface SetUpSubscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

/** What the mirroring questions offer. */
export interface MirrorQuestionsEstate {
  subscriptions: SetUpSubscription[];
  tap: TapEstate;
  vnets: PeeringVnet[];
  /** Virtual WAN hubs of the subscriptions shown (1C offers them). */
  virtualHubs: VirtualHubFact[];
}

/** Where a new collector goes, as the collector's own questions take it. */
export interface CollectorPlacement {
  subscriptionId: string;
  /** The hub network (existing or planned). */
  vnetId: string;
  /** Set when the plan creates the hub network: the collector's subnet is its one subnet. */
  plannedSubnet?: { armId: string; addressPrefix: string; location: string; resourceGroup: string };
}

/** The collector wizard asked inside the set-up, on its own draft type. */
export interface EmbeddedCollector<CD> {
  /** Its questions for a placement. */
  questions(placement: CollectorPlacement): readonly Question<CD>[];
  /** The draft its questions start from for a placement (the subnet pre-answered when there is one). */
  start(placement: CollectorPlacement): CD;
  /** The VM name in a draft, for the TAP's suggested name. */
  nameOf(draft: CD): string | undefined;
}

export const newChoice = '#new';
export const peeringTransport = '#peering';

export interface MirrorDraft<CD> {
  option: MirrorOption;
  /** 1C: the workload subscriptions. */
  spokeSubscriptionIds?: string[];
  /** 1A: the one subscription. */
  subscriptionId?: string;
  sourceIds?: string[];
  /** 1B, 1C: where the collector goes. */
  securitySubscriptionId?: string;
  /** A network id (lower case) or `newChoice`. */
  hubChoice?: string;
  hubName?: string;
  hubResourceGroup?: string;
  hubAddressPrefix?: string;
  /** A TAP destination id or `newChoice`. */
  collectorChoice?: string;
  collector: CD;
  /** 1C: `peeringTransport` or a virtual hub id. */
  transport?: string;
  tapName?: string;
  restartVms?: boolean;
}

const optionTitles: Record<MirrorOption, string> = {
  '1A': 'Set Up Traffic Monitoring — one subscription',
  '1B': 'Set Up Traffic Monitoring — security subscription',
  '1C': 'Set Up Traffic Monitoring — central hub for many subscriptions',
};

/** The subscription the collector goes in. */
export function collectorSubscriptionOf<CD>(draft: MirrorDraft<CD>): string | undefined {
  return draft.option === '1A' ? draft.subscriptionId : draft.securitySubscriptionId;
}

/** The region every source is in (the first source's); the hub and collector must be there too. */
export function sourceRegionOf<CD>(draft: MirrorDraft<CD>, estate: MirrorQuestionsEstate): string | undefined {
  const first = estate.tap.nics.find((nic) => nic.id === draft.sourceIds?.[0]);
  return first?.location.toLowerCase();
}

/** The new hub's address space suggestion: free among every network the tree shows. */
export function suggestedHubSpace(estate: MirrorQuestionsEstate): string {
  return freeHubAddressSpace(estate.vnets.flatMap((vnet) => vnet.addressSpace))?.addressPrefix ?? '';
}

/** The collector subnet of a new hub: the first /24 of its address space. */
export function hubSubnetPrefix(addressPrefix: string): string {
  const parsed = parsePrefix(addressPrefix);
  if (parsed === undefined || parsed.kind !== 'ipv4' || parsed.length > 24) {
    return parsed?.text ?? addressPrefix;
  }
  const [a, b, c] = parsed.text.split('/')[0].split('.').map(Number);
  // A /24 block is the subnet; a larger one gives its second /24 and keeps the first free.
  return parsed.length === 24 ? parsed.text : `${a}.${b}.${c + 1}.0/24`;
}

export const hubSubnetName = 'snet-collectors';

/** The TAP name suggested for a collector. */
export function suggestedTapName(collector: string | undefined): string {
  return defaultNetworkName(`vtap-${collector ?? 'collector'}`);
}

function nicItem(nic: TapSourceNic, picked: ReadonlySet<string>): PickItem<string> {
  const vnet = nic.subnetIds[0] ? nameOf(parentId(nic.subnetIds[0])) : 'no VNet';
  const mirrored = nic.tapConfigurations.length > 0 ? ` · already mirrored (${nic.tapConfigurations.map((configuration) => configuration.name).join(', ')})` : '';
  return {
    label: nic.name,
    description: [nic.privateIps[0], nic.vmName ? `VM ${nic.vmName}` : 'no VM', vnet, nic.location].filter(Boolean).join(' · ') + mirrored,
    detail: `${nic.subscriptionName ?? nic.subscriptionId} · resource group ${nic.resourceGroup}`,
    value: nic.id,
    picked: picked.has(nic.id),
    group: nic.subscriptionName ?? nic.subscriptionId,
  };
}

/**
 * The mirroring questions; `embedded` is the collector wizard, asked when the user picks a new
 * collector, placed in the hub network chosen before.
 */
export function mirrorQuestions<CD>(ui: WizardUi, estate: MirrorQuestionsEstate, embedded: EmbeddedCollector<CD>): (draft: MirrorDraft<CD>) => Question<MirrorDraft<CD>>[] {
  const subscriptionName = (id: string | undefined): string => estate.subscriptions.find((entry) => entry.subscriptionId.toLowerCase() === id?.toLowerCase())?.displayName ?? id ?? '';
  const titleOf = (draft: MirrorDraft<CD>): string => optionTitles[draft.option];
  const subscriptionItems = (previous: string | undefined, preferHub: boolean): PickItem<string>[] =>
    [...estate.subscriptions]
      .sort((a, b) => (preferHub ? Number(hubWords.test(b.displayName)) - Number(hubWords.test(a.displayName)) : 0) || a.displayName.localeCompare(b.displayName))
      .map((entry) => ({ label: entry.displayName, description: entry.subscriptionId, value: entry.subscriptionId.toLowerCase(), picked: entry.subscriptionId.toLowerCase() === previous, ...(preferHub && hubWords.test(entry.displayName) ? { detail: 'Named as a hub or security subscription' } : {}) }));

  const fixed: Question<MirrorDraft<CD>>[] = [
    {
      id: 'setup.spokeSubscriptions',
      shouldAsk: (draft) => draft.option === '1C',
      ask: async (draft, step) => {
        const answer = await ui.pickMany<string>({
          id: 'setup.spokeSubscriptions',
          title: titleOf(draft),
          ...step,
          placeholder: 'Pick the workload subscriptions whose network interfaces are mirrored',
          items: subscriptionItems(undefined, false).map((item) => ({ ...item, picked: draft.spokeSubscriptionIds?.includes(item.value) ?? false })),
          minimum: 1,
        });
        return answer === back || answer === undefined ? answer : { ...draft, spokeSubscriptionIds: answer, sourceIds: undefined };
      },
    },
    {
      id: 'setup.subscription',
      shouldAsk: (draft) => draft.option === '1A',
      ask: async (draft, step) => {
        const answer = await ui.pick<string>({ id: 'setup.subscription', title: titleOf(draft), ...step, placeholder: 'Pick the subscription of the workloads and the collector', items: subscriptionItems(draft.subscriptionId, false) });
        return answer === back || answer === undefined ? answer : { ...draft, subscriptionId: answer, sourceIds: answer === draft.subscriptionId ? draft.sourceIds : undefined };
      },
    },
    {
      id: 'setup.sources',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const within = draft.option === '1A' ? [draft.subscriptionId] : draft.option === '1C' ? (draft.spokeSubscriptionIds ?? []) : undefined;
        const nics = estate.tap.nics.filter((nic) => within === undefined || within.includes(nic.subscriptionId.toLowerCase()));
        // 1C mirrors whole subscriptions: every NIC is picked to start with.
        const picked = new Set(draft.sourceIds ?? (draft.option === '1C' ? nics.filter((nic) => nic.tapConfigurations.length === 0).map((nic) => nic.id) : []));
        const answer = await ui.pickMany<string>({
          id: 'setup.sources',
          title: titleOf(draft),
          ...step,
          placeholder: 'Pick the workload NICs to mirror (one region: a TAP mirrors within its region)',
          items: nics.map((nic) => nicItem(nic, picked)),
          minimum: 1,
          emptyMessage: 'No network interfaces in the subscriptions chosen.',
        });
        return answer === back || answer === undefined ? answer : { ...draft, sourceIds: answer };
      },
    },
    {
      id: 'setup.securitySubscription',
      shouldAsk: (draft) => draft.option !== '1A',
      ask: async (draft, step) => {
        const answer = await ui.pick<string>({ id: 'setup.securitySubscription', title: titleOf(draft), ...step, placeholder: 'Pick the security subscription the collector goes in', items: subscriptionItems(draft.securitySubscriptionId, true) });
        return answer === back || answer === undefined ? answer : { ...draft, securitySubscriptionId: answer, hubChoice: answer === draft.securitySubscriptionId ? draft.hubChoice : undefined };
      },
    },
    {
      id: 'setup.hub',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const subscriptionId = collectorSubscriptionOf(draft);
        const region = sourceRegionOf(draft, estate);
        const candidates = estate.vnets.filter((vnet) => vnet.subscriptionId.toLowerCase() === subscriptionId && (region === undefined || vnet.location.toLowerCase() === region));
        const items: PickItem<string>[] = candidates
          .sort((a, b) => Number(hubVnetWords.test(b.name)) - Number(hubVnetWords.test(a.name)) || a.name.localeCompare(b.name))
          .map((vnet) => ({ label: vnet.name, description: `${vnet.addressSpace.join(', ')} · ${vnet.location}`, value: vnet.id, picked: vnet.id === draft.hubChoice }));
        if (draft.option !== '1A') {
          items.push({ label: 'New hub virtual network…', description: `in ${subscriptionName(subscriptionId)}, ${region ?? 'the sources\u2019 region'}`, value: newChoice, picked: draft.hubChoice === newChoice });
        }
        const answer = await ui.pick<string>({
          id: 'setup.hub',
          title: titleOf(draft),
          ...step,
          placeholder: draft.option === '1A' ? 'Pick the virtual network the collector is (or goes) in' : 'Pick the hub virtual network the collector is (or goes) in, or create one',
          items,
          emptyMessage: `No virtual network of ${subscriptionName(subscriptionId)} is in ${region ?? 'the sources\u2019 region'}.`,
        });
        return answer === back || answer === undefined ? answer : { ...draft, hubChoice: answer, collectorChoice: answer === draft.hubChoice ? draft.collectorChoice : undefined };
      },
    },
    {
      id: 'setup.hubName',
      shouldAsk: (draft) => draft.hubChoice === newChoice,
      ask: async (draft, step) => {
        const answer = await ui.input({ id: 'setup.hubName', title: titleOf(draft), ...step, prompt: 'Name of the new hub virtual network', value: draft.hubName ?? 'vnet-security-hub', validate: validateVnetName });
        return answer === back || answer === undefined ? answer : { ...draft, hubName: answer };
      },
    },
    {
      id: 'setup.hubResourceGroup',
      shouldAsk: (draft) => draft.hubChoice === newChoice,
      ask: async (draft, step) => {
        const answer = await ui.input({
          id: 'setup.hubResourceGroup',
          title: titleOf(draft),
          ...step,
          prompt: 'Resource group of the hub network and the collector (created when it does not exist)',
          value: draft.hubResourceGroup ?? 'rg-security-monitoring',
          validate: validateResourceGroupName,
        });
        return answer === back || answer === undefined ? answer : { ...draft, hubResourceGroup: answer };
      },
    },
    {
      id: 'setup.hubAddressSpace',
      shouldAsk: (draft) => draft.hubChoice === newChoice,
      ask: async (draft, step) => {
        const answer = await ui.input({
          id: 'setup.hubAddressSpace',
          title: titleOf(draft),
          ...step,
          prompt: `Address space of the hub network; it must overlap none of the spokes it is peered with. The collector subnet ${hubSubnetName} takes a /24 of it.`,
          value: draft.hubAddressPrefix ?? suggestedHubSpace(estate),
          validate: (value) => {
            const parsed = parsePrefix(value);
            if (parsed === undefined || parsed.kind !== 'ipv4') {
              return 'Enter an IPv4 CIDR block such as 10.60.0.0/16.';
            }
            return parsed.length > 24 ? 'The hub needs at least a /24.' : undefined;
          },
        });
        return answer === back || answer === undefined ? answer : { ...draft, hubAddressPrefix: answer.trim() };
      },
    },
    {
      id: 'setup.collector',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const hubId = draft.hubChoice;
        const existing = hubId === undefined || hubId === newChoice ? [] : estate.tap.destinations.filter((item) => item.kind === 'nic' && item.subnetId !== undefined && parentId(item.subnetId) === hubId && !(draft.sourceIds ?? []).includes(item.parentArmId.toLowerCase()));
        const ranked = existing.map((item) => ({ item, hint: collectorHint(item) })).sort((a, b) => (a.hint?.rank ?? 9) - (b.hint?.rank ?? 9));
        const answer = await ui.pick<string>({
          id: 'setup.collector',
          title: titleOf(draft),
          ...step,
          placeholder: 'Pick the collector VM\u2019s network interface, or create a collector VM',
          items: [
            { label: 'New collector VM…', description: 'Ubuntu LTS, accelerated networking, no public IP, UDP 4789 open to the sources only', value: newChoice, picked: draft.collectorChoice === newChoice },
            ...ranked.map(({ item, hint }) => ({ label: item.label, description: [item.privateIp, item.vmName ? `VM ${item.vmName}` : undefined].filter(Boolean).join(' · '), ...(hint ? { detail: `Likely collector: ${hint.hint}` } : {}), value: item.id, picked: item.id === draft.collectorChoice })),
          ],
        });
        if (answer === back || answer === undefined) {
          return answer;
        }
        // A new collector starts from the hub's placement unless it was already being answered there.
        const placement = placementOf(draft, estate);
        const restart = answer === newChoice && draft.collectorChoice !== newChoice && placement !== undefined;
        return { ...draft, collectorChoice: answer, ...(restart ? { collector: embedded.start(placement) } : {}) };
      },
    },
  ];

  const tail: Question<MirrorDraft<CD>>[] = [
    {
      id: 'setup.transport',
      shouldAsk: (draft) => draft.option === '1C' && estate.virtualHubs.some((hub) => hub.location === sourceRegionOf(draft, estate)),
      ask: async (draft, step) => {
        const region = sourceRegionOf(draft, estate);
        const answer = await ui.pick<string>({
          id: 'setup.transport',
          title: titleOf(draft),
          ...step,
          placeholder: 'How do the spokes reach the hub network?',
          items: [
            { label: 'Peer each spoke with the hub network', description: 'both directions; what virtual network TAP needs', value: peeringTransport, picked: (draft.transport ?? peeringTransport) === peeringTransport },
            ...estate.virtualHubs
              .filter((hub) => hub.location === region)
              .map((hub) => ({ label: `Through Virtual WAN hub ${hub.name}`, description: `${hub.connectedVnetIds.length} network${hub.connectedVnetIds.length === 1 ? '' : 's'} connected`, detail: 'Virtual network TAP is documented only within a network or across peerings: the plan checks this', value: hub.id, picked: draft.transport === hub.id })),
          ],
        });
        return answer === back || answer === undefined ? answer : { ...draft, transport: answer };
      },
    },
    {
      id: 'setup.tapName',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const collectorName = draft.collectorChoice === newChoice ? embedded.nameOf(draft.collector) : estate.tap.destinations.find((item) => item.id === draft.collectorChoice)?.vmName;
        const answer = await ui.input({ id: 'setup.tapName', title: titleOf(draft), ...step, prompt: 'Name of the virtual network TAP (in the collector\u2019s resource group)', value: draft.tapName ?? suggestedTapName(collectorName), validate: (value) => validateTapName(value) });
        return answer === back || answer === undefined ? answer : { ...draft, tapName: answer };
      },
    },
    {
      id: 'setup.restartVms',
      shouldAsk: (draft) => estate.tap.nics.some((nic) => draft.sourceIds?.includes(nic.id) && nic.vmArmId !== undefined),
      ask: async (draft, step) => {
        const answer = await ui.pick<string>({
          id: 'setup.restartVms',
          title: titleOf(draft),
          ...step,
          placeholder: 'Restart the source VMs? Mirroring begins only once each is stopped (deallocated) and started.',
          // No first: Enter alone never plans downtime.
          items: [
            { label: 'No', description: 'I will restart the VMs myself; mirroring waits until then', value: 'no', picked: draft.restartVms === false },
            { label: 'Yes', description: 'Stop and start each source VM after its tap configuration (a few minutes of downtime each)', value: 'yes', picked: draft.restartVms === true },
          ],
        });
        return answer === back || answer === undefined ? answer : { ...draft, restartVms: answer === 'yes' };
      },
    },
  ];

  return (draft) => {
    const hubId = draft.hubChoice;
    const subscriptionId = collectorSubscriptionOf(draft);
    const collector =
      draft.collectorChoice === newChoice && hubId !== undefined && subscriptionId !== undefined
        ? liftQuestions(
            embedded.questions(placementOf(draft, estate) ?? { subscriptionId, vnetId: hubId }),
            (current: MirrorDraft<CD>) => current.collector,
            (current, collector) => ({ ...current, collector }),
            (current) => current.collectorChoice === newChoice,
          )
        : [];
    return [...fixed, ...collector, ...tail];
  };
}

/** Where a new collector goes, from the answers so far; undefined before the hub is chosen. */
export function placementOf<CD>(draft: MirrorDraft<CD>, estate: MirrorQuestionsEstate): CollectorPlacement | undefined {
  const subscriptionId = collectorSubscriptionOf(draft);
  if (draft.hubChoice === undefined || subscriptionId === undefined) {
    return undefined;
  }
  if (draft.hubChoice !== newChoice) {
    return { subscriptionId, vnetId: draft.hubChoice };
  }
  const group = draft.hubResourceGroup ?? '';
  const vnetArmId = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${draft.hubName ?? ''}`;
  return {
    subscriptionId,
    vnetId: vnetArmId.toLowerCase(),
    plannedSubnet: { armId: `${vnetArmId}/subnets/${hubSubnetName}`, addressPrefix: hubSubnetPrefix(draft.hubAddressPrefix ?? ''), location: sourceRegionOf(draft, estate) ?? '', resourceGroup: group },
  };
}

/**
 * The plan's input from finished answers: `collector` is what the command made of the collector
 * answers (an existing NIC, or the new VM's plan); `hubGroupExists` says whether the new hub's
 * resource group is already there. Undefined when an answer the plan needs is missing.
 */
export function mirrorSetUpOf<CD>(draft: MirrorDraft<CD>, estate: MirrorQuestionsEstate, collector: CollectorChoice, hubGroupExists: boolean): MirrorSetUp | undefined {
  const subscriptionId = collectorSubscriptionOf(draft);
  const subscription = estate.subscriptions.find((entry) => entry.subscriptionId.toLowerCase() === subscriptionId);
  const placement = placementOf(draft, estate);
  if (draft.sourceIds === undefined || draft.hubChoice === undefined || subscription === undefined || placement === undefined || draft.tapName === undefined) {
    return undefined;
  }
  const virtualHub = draft.transport !== undefined && draft.transport !== peeringTransport ? estate.virtualHubs.find((hub) => hub.id === draft.transport) : undefined;
  const hub: MirrorSetUp['hub'] =
    placement.plannedSubnet === undefined
      ? { kind: 'existing', vnetId: placement.vnetId }
      : {
          kind: 'new',
          answers: {
            subscriptionId: subscription.subscriptionId,
            subscriptionName: subscription.displayName,
            tenantId: subscription.tenantId,
            resourceGroup: placement.plannedSubnet.resourceGroup,
            createResourceGroup: !hubGroupExists,
            location: placement.plannedSubnet.location,
            name: draft.hubName ?? '',
            addressPrefix: draft.hubAddressPrefix ?? '',
            subnetName: hubSubnetName,
            subnetPrefix: placement.plannedSubnet.addressPrefix,
          },
        };
  return {
    option: draft.option,
    hub,
    collector,
    sourceIds: draft.sourceIds,
    tapName: draft.tapName,
    configurationName: defaultConfigurationName(draft.tapName),
    restartVms: draft.restartVms ?? false,
    ...(virtualHub ? { virtualHub: { armId: virtualHub.armId, name: virtualHub.name } } : {}),
  };
}
