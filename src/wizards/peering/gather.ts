import { askQuestions, type AnswerTrail, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { hubVnetWords, hubWords } from '../shared/hubNames';
import { addressOverlaps, formatOverlaps } from './addressOverlap';
import { defaultPeeringName, describePeeredOverlap, peeredOverlap, validatePeeringName } from './checks';
import type { PeeringVnet } from './peeringVnet';
import type { PeeringAnswers, PeeringNames } from './plan';

const title = 'Peer with Hub';

/** What the wizard starts from: the VNets right-clicked or selected (none from the palette), and every VNet the tree shows. */
export interface PeeringSeed {
  selected: PeeringVnet[];
  all: PeeringVnet[];
  /** Of several selected, the one offered first as the hub (Enter takes it). */
  suggestedHubId?: string;
}

type Role = 'spoke' | 'hub';
type Option = 'allowForwardedTraffic' | 'useHubGateway';

interface State {
  role?: Role;
  hub?: PeeringVnet;
  spokes?: PeeringVnet[];
  options?: Option[];
  naming?: 'default' | 'custom';
  /** Custom names by `pairKey(hub, spoke)`: a hub changed after Back gets names suggested for it, not the old hub's. */
  names: Record<string, Partial<PeeringNames>>;
}

function pairKey(hub: PeeringVnet, spoke: PeeringVnet): string {
  return `${hub.id} ${spoke.id}`;
}

/** Why `hub` and `spoke` can't be peered, as Azure would refuse it, or `undefined`. */
export function peerProblem(hub: PeeringVnet, spoke: PeeringVnet): string | undefined {
  const overlaps = addressOverlaps(hub.addressSpace, spoke.addressSpace);
  if (overlaps.length > 0) {
    return `overlaps ${hub.name} (${formatOverlaps(overlaps)})`;
  }
  const found = peeredOverlap(hub, spoke);
  return found ? describePeeredOverlap(found) : undefined;
}

function vnetItem(vnet: PeeringVnet, options: { hub?: PeeringVnet; problem?: string; hint?: string; picked?: boolean; group?: string }): PickItem<PeeringVnet> {
  const { hub, problem, hint } = options;
  const peered = hub ? vnet.peerings.find((peering) => peering.remoteVnetId === hub.id) : undefined;
  return {
    label: vnet.name,
    description: `${vnet.addressSpace.join(', ') || 'no address space'} · ${vnet.subscriptionName}`,
    detail: problem ? `$(warning) Can't be peered: ${problem}` : peered ? `Already has ${peered.name} to ${hub?.name} (${peered.peeringState})` : [hint ? `Likely hub: ${hint}` : undefined, vnet.location].filter(Boolean).join(' · '),
    value: vnet,
    picked: options.picked,
    group: options.group,
  };
}

/**
 * Why a VNet looks like a hub, strongest first (`rank` 0 to 2), or `undefined`: named as a hub
 * (hub, security, transit, core), peered with two or more networks, or in a hub or security
 * subscription (the words the TAP wizard's collector list uses).
 */
export function hubHint(vnet: PeeringVnet): { hint: string; rank: number } | undefined {
  if (hubVnetWords.test(vnet.name)) {
    return { hint: 'named as a hub', rank: 0 };
  }
  const peered = new Set(vnet.peerings.map((peering) => peering.remoteVnetId ?? peering.id)).size;
  if (peered >= 2) {
    return { hint: `peered with ${peered} networks`, rank: 1 };
  }
  if (hubWords.test(vnet.subscriptionName)) {
    return { hint: 'hub or security subscription', rank: 2 };
  }
  return undefined;
}

/** The hub list: likely hubs first under their own separator, then the rest; each marked when it can't peer with `spoke`. */
export function hubItems(candidates: readonly PeeringVnet[], spoke: PeeringVnet | undefined, pickedId: string | undefined): PickItem<PeeringVnet>[] {
  const ranked = candidates.map((vnet) => ({ vnet, ...hubHint(vnet) }));
  const likely = ranked.filter((entry) => entry.hint !== undefined).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const others = ranked.filter((entry) => entry.hint === undefined);
  const toItem = ({ vnet, hint }: { vnet: PeeringVnet; hint?: string }, group: string): PickItem<PeeringVnet> =>
    vnetItem(vnet, { hub: spoke, problem: spoke ? peerProblem(vnet, spoke) : undefined, hint, picked: vnet.id === pickedId, group });
  return [...likely.map((entry) => toItem(entry, 'Likely hubs')), ...others.map((entry) => toItem(entry, likely.length > 0 ? 'Other virtual networks' : 'Virtual networks'))];
}

/** The spoke list: VNets that can peer with `hub`, then those Azure would refuse, each with its reason. */
export function spokeItems(candidates: readonly PeeringVnet[], hub: PeeringVnet, previous: ReadonlySet<string>): PickItem<PeeringVnet>[] {
  const judged = candidates.map((vnet) => ({ vnet, problem: peerProblem(hub, vnet) }));
  const toItem = ({ vnet, problem }: { vnet: PeeringVnet; problem?: string }, group: string): PickItem<PeeringVnet> => vnetItem(vnet, { hub, problem, picked: previous.has(vnet.id), group });
  return [...judged.filter((entry) => !entry.problem).map((entry) => toItem(entry, 'Virtual networks')), ...judged.filter((entry) => entry.problem).map((entry) => toItem(entry, `Can't be peered with ${hub.name}`))];
}

/** The name a side will have: an existing peering to the same remote keeps its own. */
function existingName(local: PeeringVnet, remote: PeeringVnet): string | undefined {
  return local.peerings.find((peering) => peering.remoteVnetId === remote.id)?.name;
}

/**
 * Asks for the hub, the spokes, the options and the peering names. From one VNet it first asks
 * whether that VNet is a spoke or the hub; from several it asks which one is the hub. Back re-asks
 * the previous question; `undefined` means cancelled.
 */
export async function gatherPeering(ui: WizardUi, seed: PeeringSeed, trail?: AnswerTrail): Promise<PeeringAnswers | undefined> {
  const initial: State = { names: {} };
  const selected = seed.selected;
  if (selected.length >= 2) {
    initial.role = 'hub';
  }

  const steps = (state: State): Question<State>[] => {
    const list: Question<State>[] = [];
    if (selected.length === 1) {
      const only = selected[0];
      list.push({
        id: 'role',
        shouldAsk: () => true,
        ask: async (current, step) => {
          const answer = await ui.pick<Role>({
            id: 'peering.role',
            title,
            ...step,
            placeholder: `What is ${only.name} in this peering?`,
            items: [
              { label: `Peer ${only.name} with a hub`, description: `${only.name} is a spoke`, value: 'spoke', picked: current.role === 'spoke' },
              { label: `Make ${only.name} the hub`, description: 'and choose its spokes', value: 'hub', picked: current.role === 'hub' },
            ],
          });
          if (answer === back || answer === undefined) {
            return answer;
          }
          current.role = answer;
          return current;
        },
      });
    }
    const hubFixed = selected.length === 1 && state.role === 'hub';
    // Before the role is answered, count the hub question: the spokes question takes its place for a hub.
    if (!hubFixed) {
      list.push({
        id: 'hub',
        shouldAsk: () => true,
        ask: async (current, step) => {
          const spoke = selected.length === 1 ? selected[0] : undefined;
          const candidates = selected.length >= 2 ? [...selected].sort((a, b) => Number(b.id === seed.suggestedHubId) - Number(a.id === seed.suggestedHubId)) : seed.all.filter((vnet) => vnet.id !== spoke?.id);
          const pickedId = current.hub?.id ?? seed.suggestedHubId;
          // Several selected: the suggested hub first, as picked; otherwise likely hubs first.
          const items = selected.length >= 2 ? candidates.map((vnet) => vnetItem(vnet, { picked: vnet.id === pickedId })) : hubItems(candidates, spoke, pickedId);
          const answer = await ui.pick<PeeringVnet>({
            id: 'peering.hub',
            title,
            ...step,
            placeholder: selected.length >= 2 ? 'Which of the selected virtual networks is the hub? The others become its spokes.' : spoke ? `Hub virtual network for ${spoke.name}` : 'Hub virtual network',
            items,
            // Without a likely hub (or one already chosen) the first VNet is no safe guess for Enter alone.
            noDefault: !items.some((item) => item.picked) && items[0]?.group !== 'Likely hubs',
            emptyMessage: 'No other virtual networks in the subscriptions shown',
          });
          if (answer === back || answer === undefined) {
            return answer;
          }
          current.hub = answer;
          return current;
        },
      });
    }
    const spokesFixed = selected.length >= 2 || (selected.length === 1 && state.role !== 'hub');
    if (!spokesFixed) {
      list.push({
        id: 'spokes',
        shouldAsk: () => true,
        ask: async (current, step) => {
          // From one VNet made the hub, a hub picked before Back changed its role is no longer it.
          const hub = resolvedOrEmpty(current).hub ?? selected[0];
          const previous = new Set((current.spokes ?? []).map((vnet) => vnet.id));
          const answer = await ui.pickMany<PeeringVnet>({
            id: 'peering.spokes',
            title,
            ...step,
            placeholder: `Spokes to peer with ${hub.name}`,
            items: spokeItems(seed.all.filter((vnet) => vnet.id !== hub.id), hub, previous),
            minimum: 1,
            emptyMessage: 'No other virtual networks in the subscriptions shown',
          });
          if (answer === back || answer === undefined) {
            return answer;
          }
          current.spokes = answer;
          return current;
        },
      });
    }
    list.push({
      id: 'options',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const { hub } = resolved(current);
        const chosen = new Set<Option>(current.options ?? ['allowForwardedTraffic']);
        const items: PickItem<Option>[] = [
          { label: 'Allow forwarded traffic', description: 'traffic a firewall or appliance forwards between the networks', value: 'allowForwardedTraffic', picked: chosen.has('allowForwardedTraffic') },
        ];
        if (hub.hasGateway) {
          items.push({ label: `Use ${hub.name}'s gateway`, description: 'gateway transit on the hub, remote gateways on the spokes', value: 'useHubGateway', picked: chosen.has('useHubGateway') });
        }
        const answer = await ui.pickMany<Option>({ id: 'peering.options', title, ...step, placeholder: 'Peering options (both directions)', items, minimum: 0 });
        if (answer === back || answer === undefined) {
          return answer;
        }
        current.options = answer;
        return current;
      },
    });
    list.push({
      id: 'naming',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const { hub, spokes } = resolved(current);
        const examples = spokes.slice(0, 2).map((spoke) => existingName(hub, spoke) ?? defaultPeeringName(hub.name, spoke.name));
        const answer = await ui.pick<'default' | 'custom'>({
          id: 'peering.names',
          title,
          ...step,
          placeholder: 'Peering names',
          items: [
            { label: 'Use default names', description: `${examples.join(', ')}${spokes.length > 2 ? ', …' : ''}`, detail: 'Existing peerings between the same networks keep their names.', value: 'default', picked: current.naming === 'default' },
            { label: 'Enter names…', description: 'for each new peering', value: 'custom', picked: current.naming === 'custom' },
          ],
        });
        if (answer === back || answer === undefined) {
          return answer;
        }
        current.naming = answer;
        return current;
      },
    });
    if (state.naming === 'custom') {
      const { hub, spokes } = resolvedOrEmpty(state);
      for (const spoke of hub ? spokes : []) {
        for (const side of ['hubSide', 'spokeSide'] as const) {
          const [local, remote] = side === 'hubSide' ? [hub!, spoke] : [spoke, hub!];
          if (existingName(local, remote) !== undefined) {
            continue;
          }
          list.push({
            id: `name:${spoke.id}:${side}`,
            shouldAsk: () => true,
            ask: async (current, step) => {
              const names = (current.names[pairKey(hub!, spoke)] ??= {});
              const taken = new Set(local.peerings.map((peering) => peering.name.toLowerCase()));
              const answer = await ui.input({
                id: side === 'hubSide' ? 'peering.hubSideName' : 'peering.spokeSideName',
                title,
                ...step,
                prompt: `Name of the peering on ${local.name} to ${remote.name}`,
                value: names[side] ?? defaultPeeringName(local.name, remote.name),
                validate: (value) => validatePeeringName(value) ?? (taken.has(value.toLowerCase()) ? `${local.name} already has a peering named ${value}.` : undefined),
              });
              if (answer === back || answer === undefined) {
                return answer;
              }
              names[side] = answer;
              return current;
            },
          });
        }
      }
    }
    return list;
  };

  const state = await askQuestions(steps, initial, trail);
  if (state === undefined) {
    return undefined;
  }

  const { hub, spokes } = resolved(state);
  const names: Record<string, PeeringNames> = {};
  for (const spoke of spokes) {
    const chosen = state.naming === 'custom' ? state.names[pairKey(hub, spoke)] ?? {} : {};
    names[spoke.id] = {
      hubSide: chosen.hubSide ?? defaultPeeringName(hub.name, spoke.name),
      spokeSide: chosen.spokeSide ?? defaultPeeringName(spoke.name, hub.name),
    };
  }
  const options = new Set(state.options ?? []);
  return { hub, spokes, allowForwardedTraffic: options.has('allowForwardedTraffic'), useHubGateway: options.has('useHubGateway') && hub.hasGateway, names };

  function resolvedOrEmpty(current: State): { hub?: PeeringVnet; spokes: PeeringVnet[] } {
    if (selected.length >= 2) {
      return { hub: current.hub, spokes: current.hub ? selected.filter((vnet) => vnet.id !== current.hub!.id) : [] };
    }
    if (selected.length === 1) {
      return current.role === 'hub' ? { hub: selected[0], spokes: current.spokes ?? [] } : { hub: current.hub, spokes: [selected[0]] };
    }
    return { hub: current.hub, spokes: current.spokes ?? [] };
  }

  function resolved(current: State): { hub: PeeringVnet; spokes: PeeringVnet[] } {
    const found = resolvedOrEmpty(current);
    if (!found.hub) {
      throw new Error('The hub virtual network was not chosen.');
    }
    return { hub: found.hub, spokes: found.spokes };
  }
}
