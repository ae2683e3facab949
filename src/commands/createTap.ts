import * as vscode from 'vscode';
import { parentId, resourceTypeOf } from '../azure/armIds';
import { problemLogLine, toArmProblem } from '../azure/armProblem';
import { resourcesOf } from '../tree/treeNode';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import { gatherTap, type TapSeed } from '../wizards/tap/gather';
import { planTap } from '../wizards/tap/plan';
import { readTapEstate } from '../wizards/tap/tapEstate';
import { type TapEstate } from '../wizards/tap/tapModel';
import type { LensCommand } from './lensCommand';

/** The TAP estate of the subscriptions the tree shows; load balancers that can't be listed are logged and left out. */
export async function tapEstateFor(context: WizardContext): Promise<TapEstate> {
  const previewRegions = vscode.workspace.getConfiguration('trafficLens').get<string[]>('tap.previewRegions', []);
  const estate = await readTapEstate(await context.estate(), (entry, error) => context.log.warn(problemLogLine(`Listing load balancers of subscription ${entry.subscription.displayName} (${entry.subscription.subscriptionId})`, toArmProblem(error))));
  return { ...estate, previewRegions: previewRegions.filter((region) => typeof region === 'string') };
}

/** NICs pre-picked from the rows: NICs themselves, or every NIC in a subnet or virtual network; a TAP row means "add sources to it". */
function seedFrom(armIds: string[], estate: TapEstate): TapSeed {
  const seed: TapSeed = { nicIds: [] };
  for (const armId of armIds) {
    const id = armId.toLowerCase();
    switch (resourceTypeOf(id)) {
      case 'microsoft.network/networkinterfaces':
        seed.nicIds?.push(id);
        break;
      case 'microsoft.network/virtualnetworks/subnets':
        seed.nicIds?.push(...estate.nics.filter((nic) => nic.subnetIds.includes(id)).map((nic) => nic.id));
        break;
      case 'microsoft.network/virtualnetworks':
        seed.nicIds?.push(...estate.nics.filter((nic) => nic.subnetIds.some((subnetId) => parentId(subnetId) === id)).map((nic) => nic.id));
        break;
      case 'microsoft.network/virtualnetworktaps':
        seed.tapId = id;
        break;
    }
  }
  return seed;
}

/** "Mirror Traffic to a Collector…": a virtual network TAP for NICs, from NIC, subnet, VNet or TAP rows, or the palette. */
export function createTapCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.createTap',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const armIds = resourcesOf(node, selection).map((resource) => resource.armId);
      const estate = await tapEstateFor(context);
      const seed = seedFrom(armIds, estate);
      return askPlanReview(context.reviewOrBack, (trail) => gatherTap(context.ui(), estate, seed, trail), (answers) => planTap(answers, estate));
    },
  };
}
