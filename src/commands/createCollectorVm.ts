import { resourceTypeOf } from '../azure/armIds';
import { armFailure } from '../azure/armProblem';
import { resourcesOf } from '../tree/treeNode';
import type { ApplyReport } from '../core/plan';
import { readCollectorFacts } from '../wizards/collector/collectorFacts';
import { collectorQuestionsEstate } from './collectorQuestionsEstate';
import { gatherCollector, type CollectorSeed } from '../wizards/collector/gather';
import { planCollector } from '../wizards/collector/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import type { LensCommand } from './lensCommand';

/** A subnet row pre-answers the placement; a VNet row narrows it to its subnets. */
function seedFrom(armIds: string[]): CollectorSeed {
  for (const armId of armIds) {
    switch (resourceTypeOf(armId)) {
      case 'microsoft.network/virtualnetworks/subnets':
        return { subnetId: armId };
      case 'microsoft.network/virtualnetworks':
        return { vnetId: armId };
    }
  }
  return {};
}

/** "Create Collector VM…": a Linux NDR sensor VM that receives mirrored traffic, from a subnet or VNet row, or the palette. */
export function createCollectorVmCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.createCollectorVm',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const subscriptions = await context.estate();
      const seed = seedFrom(resourcesOf(node, selection).map((resource) => resource.armId));
      const estate = await collectorQuestionsEstate(context, subscriptions);
      return askPlanReview(
        context.reviewOrBack,
        (trail) => gatherCollector(context.ui(), estate, seed, trail),
        async (answers) => {
          let facts;
          try {
            facts = await readCollectorFacts(subscriptions, answers);
          } catch (error) {
            throw armFailure(context.log, `Reading sizes, quotas and image of ${answers.region} for collector VM ${answers.vmName}`, `read what collector VM ${answers.vmName} needs in ${answers.region}`, error);
          }
          return planCollector(answers, facts);
        },
      );
    },
  };
}
