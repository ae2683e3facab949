import { parentId, resourceTypeOf } from '../azure/armIds';
import { armFailure } from '../azure/armProblem';
import { resourcesOf } from '../tree/treeNode';
import type { ApplyReport } from '../core/plan';
import { readAcceleratedEstate, type AcceleratedEstate } from '../wizards/acceleratedNetworking/acceleratedEstate';
import { gatherAcceleratedNetworking, type AcceleratedSeed } from '../wizards/acceleratedNetworking/gather';
import { planAcceleratedNetworking } from '../wizards/acceleratedNetworking/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import type { LensCommand } from './lensCommand';

/** NICs pre-picked from the rows: NICs themselves, or every NIC with it off in a subnet or virtual network. */
function seedFrom(armIds: string[], estate: AcceleratedEstate): AcceleratedSeed {
  const nicIds: string[] = [];
  for (const armId of armIds) {
    const id = armId.toLowerCase();
    switch (resourceTypeOf(id)) {
      case 'microsoft.network/networkinterfaces':
        nicIds.push(id);
        break;
      case 'microsoft.network/virtualnetworks/subnets':
        nicIds.push(...estate.nics.filter((nic) => !nic.enabled && nic.subnetIds.includes(id)).map((nic) => nic.id));
        break;
      case 'microsoft.network/virtualnetworks':
        nicIds.push(...estate.nics.filter((nic) => !nic.enabled && nic.subnetIds.some((subnetId) => parentId(subnetId) === id)).map((nic) => nic.id));
        break;
    }
  }
  return { nicIds: [...new Set(nicIds)] };
}

/** "Enable Accelerated Networking…": from NIC, subnet or VNet rows (several at once), or the palette. */
export function enableAcceleratedNetworkingCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.enableAcceleratedNetworking',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const estate = await readAcceleratedEstate(await context.estate(), (what, error) => armFailure(context.log, `Reading ${what} for accelerated networking`, `read ${what}`, error));
      const seed = seedFrom(resourcesOf(node, selection).map((resource) => resource.armId), estate);
      return askPlanReview(
        context.reviewOrBack,
        (trail) => gatherAcceleratedNetworking(context.ui(), estate, seed, trail),
        async (answers) => planAcceleratedNetworking(answers, await estate.factsFor(answers)),
      );
    },
  };
}
