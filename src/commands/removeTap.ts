import { resourceTypeOf } from '../azure/armIds';
import { resourcesOf } from '../tree/treeNode';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { back } from '../wizards/shared/wizardUi';
import { planRemoveTap } from '../wizards/tap/plan';
import { tapEstateFor } from './createTap';
import { plural } from '../core/quantities';
import type { LensCommand } from './lensCommand';

/** "Remove Virtual Network TAP…": removes its tap configurations from every source NIC, then the TAP (a plan to review). */
export function removeTapCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.removeTap',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const fromRow = resourcesOf(node, selection).find((resource) => resourceTypeOf(resource.armId) === 'microsoft.network/virtualnetworktaps');
      const estate = await tapEstateFor(context);
      let tapId = fromRow?.armId.toLowerCase();
      if (tapId === undefined) {
        const picked = await context.ui().pick<string>({
          id: 'tap.remove',
          title: 'Remove Virtual Network TAP',
          placeholder: 'Pick the virtual network TAP to remove',
          items: estate.taps.map((tap) => ({ label: tap.name, description: `${plural(tap.sourceIds.length, 'source')} · ${tap.location}`, detail: `resource group ${tap.resourceGroup}`, value: tap.id })),
          emptyMessage: 'No virtual network TAPs in the subscriptions the view shows.',
        });
        if (picked === undefined || picked === back) {
          return undefined;
        }
        tapId = picked;
      }
      const tap = estate.taps.find((item) => item.id === tapId);
      if (tap === undefined) {
        throw new Error(`The virtual network TAP ${fromRow?.name ?? tapId} no longer exists. Refresh the view.`);
      }
      return context.review(planRemoveTap(tap, estate));
    },
  };
}
