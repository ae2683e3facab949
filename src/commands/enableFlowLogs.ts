import { problemLogLine, toArmProblem } from '../azure/armProblem';
import { resourcesOf } from '../tree/treeNode';
import { readFlowLogEstate, type FlowLogEstate } from '../wizards/flowLogs/flowLogEstate';
import { flowLogSeedOf, gatherFlowLogs } from '../wizards/flowLogs/gather';
import { planFlowLogs } from '../wizards/flowLogs/plan';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import type { LensCommand } from './lensCommand';

/** The flow-log view of the subscriptions the tree shows, read fresh; reads that fail are logged and left out. */
export async function flowLogEstateFor(context: WizardContext): Promise<FlowLogEstate> {
  return readFlowLogEstate(await context.estate(), (what, error) => context.log.warn(problemLogLine(what, toArmProblem(error))));
}

/** "Enable VNet Flow Logs…": from VNet, subnet or NIC rows, a multi-selection, a subscription, or the palette. */
export function enableFlowLogsCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.enableFlowLogs',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const estate = await flowLogEstateFor(context);
      const seed = flowLogSeedOf(resourcesOf(node, selection).map((resource) => resource.armId));
      return askPlanReview(context.reviewOrBack, (trail) => gatherFlowLogs(context.ui(), estate, seed, trail), async (answers) => planFlowLogs(answers, await estate.factsFor(answers.targets)));
    },
  };
}
