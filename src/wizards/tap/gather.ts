/**
 * The TAP wizard's questions. Facts the right-clicked row already answers (a TAP to add sources to,
 * the NICs of a selection, subnet or VNet) are skipped or pre-picked; Back re-asks the previous
 * question with its old answer.
 */
import { nameOf, parentId } from '../../azure/armIds';
import { askQuestions, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { validateTapName, vxlanBlocks } from './checks';
import { defaultConfigurationName, type TapAnswers } from './plan';
import { tapArmId, type TapDestination, type TapDestinationKind, type TapEstate, type TapSourceNic } from './tapModel';
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
const title = 'Mirror Traffic to a Collector';

function destinationOf(estate: TapEstate, draft: Draft): TapDestination | undefined {
  return estate.destinations.find((item) => item.id === draft.destinationId);
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
export async function gatherTap(ui: WizardUi, estate: TapEstate, seed: TapSeed = {}): Promise<TapAnswers | undefined> {
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

  const questions: Question<Draft>[] = [
    {
      id: 'tap.destinationKind',
      shouldAsk: () => seededTap === undefined,
      ask: async (current, step) => {
        const answer = await ui.pick<TapDestinationKind>({
          id: 'tap.destinationKind',
          title,
          ...step,
          placeholder: 'Where should mirrored packets go?',
          items: [
            { label: 'Collector VM network interface', description: 'A NIC IP configuration of the VM that receives VXLAN', value: 'nic', picked: current.destinationKind === 'nic' },
            { label: 'Internal load balancer frontend', description: 'A frontend IP configuration in front of several collectors', value: 'loadBalancer', picked: current.destinationKind === 'loadBalancer' },
          ],
        });
        return answer === back || answer === undefined ? answer : { ...current, destinationKind: answer, destinationId: answer === current.destinationKind ? current.destinationId : undefined };
      },
    },
    {
      id: 'tap.destination',
      shouldAsk: () => seededTap === undefined,
      ask: async (current, step) => {
        const items = estate.destinations
          .filter((item) => item.kind === current.destinationKind && !seededNics.has(item.parentArmId.toLowerCase()))
          .map((item) => ({
            label: item.label,
            description: [item.privateIp, item.kind === 'loadBalancer' ? `${item.sku ?? ''} load balancer` : undefined, item.location].filter(Boolean).join(' · '),
            detail: item.subnetId ? `VNet ${nameOf(parentId(item.subnetId))}, resource group ${item.resourceGroup}` : `resource group ${item.resourceGroup}`,
            value: item.id,
            picked: item.id === current.destinationId,
          }));
        const answer = await ui.pick<string>({
          id: 'tap.destination',
          title,
          ...step,
          placeholder: current.destinationKind === 'nic' ? 'Pick the collector VM\u2019s IP configuration' : 'Pick the internal load balancer frontend',
          items,
          emptyMessage: current.destinationKind === 'nic' ? 'No network interfaces in the subscriptions the view shows.' : 'No load balancers in the subscriptions the view shows.',
        });
        return answer === back || answer === undefined ? answer : { ...current, destinationId: answer, tapChoice: answer === current.destinationId ? current.tapChoice : undefined };
      },
    },
    {
      id: 'tap.tap',
      shouldAsk: (current) => seededTap === undefined && estate.taps.some((tap) => tap.destinationId === current.destinationId),
      ask: async (current, step) => {
        const answer = await ui.pick<string>({
          id: 'tap.tap',
          title,
          ...step,
          placeholder: 'Reuse a virtual network TAP that sends here, or create one',
          items: [
            ...estate.taps
              .filter((tap) => tap.destinationId === current.destinationId)
              .map((tap) => ({ label: tap.name, description: `${tap.sourceIds.length === 1 ? '1 source' : `${tap.sourceIds.length} sources`} · ${tap.location}`, detail: `resource group ${tap.resourceGroup}`, value: tap.id, picked: tap.id === current.tapChoice })),
            { label: 'New virtual network TAP…', value: newTap, picked: current.tapChoice === newTap },
          ],
        });
        return answer === back || answer === undefined ? answer : { ...current, tapChoice: answer };
      },
    },
    {
      id: 'tap.name',
      shouldAsk: (current) => current.tapChoice === undefined || current.tapChoice === newTap,
      ask: async (current, step) => {
        const destination = destinationOf(estate, current);
        const answer = await ui.input({
          id: 'tap.name',
          title,
          ...step,
          prompt: 'Name of the new virtual network TAP (created in the destination\u2019s resource group)',
          value: current.tapName ?? defaultNetworkName(`vtap-${destination?.parentName ?? 'collector'}`),
          validate: (value) => {
            const problem = validateTapName(value);
            if (problem !== undefined || destination === undefined) {
              return problem;
            }
            const taken = estate.taps.find((tap) => tap.id === tapArmId(destination, value).toLowerCase());
            return taken && taken.destinationId !== destination.id ? `${value} already exists in ${destination.resourceGroup} and sends elsewhere. Choose another name.` : undefined;
          },
        });
        return answer === back || answer === undefined ? answer : { ...current, tapChoice: newTap, tapName: answer };
      },
    },
    {
      id: 'tap.sources',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const destination = destinationOf(estate, current);
        const picked = new Set(current.sourceIds ?? seededNics);
        const items = estate.nics
          .filter((nic) => nic.armId.toLowerCase() !== destination?.parentArmId.toLowerCase())
          .map((nic) => ({ label: nic.name, description: nicDescription(nic, estate), detail: `resource group ${nic.resourceGroup}`, value: nic.id, picked: picked.has(nic.id) }));
        const answer = await ui.pickMany<string>({
          id: 'tap.sources',
          title,
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
          title,
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
        if (destination === undefined) {
          return false;
        }
        const sources = estate.nics.filter((nic) => current.sourceIds?.includes(nic.id));
        return vxlanBlocks({ destination, tapId: tapIdOf(estate, current), tapName: tapNameOf(estate, current), tapLocation: destination.location, sources, estate }).length > 0;
      },
      ask: async (current, step) => {
        const answer = await ui.pick<string>({
          id: 'tap.nsgRule',
          title,
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
          title,
          ...step,
          placeholder: 'Restart the source VMs? Mirroring begins only once each is stopped (deallocated) and started.',
          // No first: Enter alone never plans downtime.
          items: yesNo('Stop and start each new source VM after its tap configuration (a few minutes of downtime each)', 'I will restart the VMs myself; mirroring waits until then', current.restartVms).reverse(),
        });
        return answer === back || answer === undefined ? answer : { ...current, restartVms: answer === 'yes' };
      },
    },
  ];

  const asked = await askQuestions(questions, draft);
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
