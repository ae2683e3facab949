import { nameOf, resourceTypeOf } from '../azure/armIds';
import { isTreeNode, resourcesOf } from '../tree/treeNode';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { back } from '../wizards/shared/wizardUi';
import { planRemoveTapSource } from '../wizards/tap/plan';
import { tapEstateFor } from './createTap';
import type { LensCommand } from './lensCommand';

/** "Stop Mirroring This NIC": removes a NIC's tap configuration (on a NIC row, or a TAP's source row: only that TAP's). */
export function removeTapSourceCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.removeTapSource',
    async run(node?: unknown): Promise<ApplyReport | undefined> {
      const fromRow = resourcesOf(node, undefined).find((resource) => resourceTypeOf(resource.armId) === 'microsoft.network/networkinterfaces');
      const parent = isTreeNode(node) ? node.parent?.resource : undefined;
      const tapId = parent !== undefined && resourceTypeOf(parent.armId) === 'microsoft.network/virtualnetworktaps' ? parent.armId.toLowerCase() : undefined;
      const estate = await tapEstateFor(context);
      let nicId = fromRow?.armId.toLowerCase();
      if (nicId === undefined) {
        const picked = await context.ui().pick<string>({
          id: 'tap.removeSource',
          title: 'Stop Mirroring a Network Interface',
          placeholder: 'Pick the network interface to stop mirroring',
          items: estate.nics
            .filter((nic) => nic.tapConfigurations.length > 0)
            .map((nic) => ({
              label: nic.name,
              description: nic.tapConfigurations.map((configuration) => `${configuration.name} → ${estate.taps.find((tap) => tap.id === configuration.tapId)?.name ?? nameOf(configuration.tapId)}`).join(', '),
              value: nic.id,
            })),
          emptyMessage: 'No network interface in the subscriptions the view shows has a tap configuration.',
        });
        if (picked === undefined || picked === back) {
          return undefined;
        }
        nicId = picked;
      }
      const nic = estate.nics.find((item) => item.id === nicId);
      if (nic === undefined) {
        throw new Error(`The network interface ${fromRow?.name ?? nicId} no longer exists. Refresh the view.`);
      }
      return context.review(planRemoveTapSource(nic, estate, tapId));
    },
  };
}
