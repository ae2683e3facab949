import { resourceTypeOf } from '../azure/armIds';
import { problemLogLine, toArmProblem } from '../azure/armProblem';
import { resourcesOf } from '../tree/treeNode';
import { readFlowLogEstate, type FlowLogEstate } from '../wizards/flowLogs/flowLogEstate';
import { gatherFlowLogs, type FlowLogSeed } from '../wizards/flowLogs/gather';
import { planFlowLogs } from '../wizards/flowLogs/plan';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import type { LensCommand } from './lensCommand';

const targetTypes = new Set(['microsoft.network/virtualnetworks', 'microsoft.network/virtualnetworks/subnets', 'microsoft.network/networkinterfaces']);

/** The flow-log view of the subscriptions the tree shows, read fresh; reads that fail are logged and left out. */
export async function flowLogEstateFor(context: WizardContext): Promise<FlowLogEstate> {
  return readFlowLogEstate(await context.estate(), (what, error) => context.log.warn(problemLogLine(what, toArmProblem(error))));
}

/** Targets from VNet, subnet and NIC rows; a subscription row means "every VNet of a region of it". */
function seedFrom(armIds: string[]): FlowLogSeed {
  const targetIds = armIds.filter((id) => targetTypes.has(resourceTypeOf(id))).map((id) => id.toLowerCase());
  if (targetIds.length > 0) {
    return { targetIds };
  }
  const subscription = armIds.map((id) => /^\/subscriptions\/([^/]+)$/i.exec(id)?.[1]).find((id) => id !== undefined);
  return subscription === undefined ? {} : { subscriptionId: subscription.toLowerCase() };
}

/** "Enable VNet Flow Logs…": from VNet, subnet or NIC rows, a multi-selection, a subscription, or the palette. */
export function enableFlowLogsCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.enableFlowLogs',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const estate = await flowLogEstateFor(context);
      const seed = seedFrom(resourcesOf(node, selection).map((resource) => resource.armId));
      return askPlanReview(context.reviewOrBack, (trail) => gatherFlowLogs(context.ui(), estate, seed, trail), async (answers) => planFlowLogs(answers, await estate.factsFor(answers.targets)));
    },
  };
}
