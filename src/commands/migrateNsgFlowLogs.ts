import { nameOf, resourceTypeOf } from '../azure/armIds';
import { resourcesOf } from '../tree/treeNode';
import type { FlowLogEstate } from '../wizards/flowLogs/flowLogEstate';
import type { ExistingFlowLog, FlowLogTarget } from '../wizards/flowLogs/flowLogFacts';
import { migrationTargets } from '../wizards/flowLogs/migrationTargets';
import { planNsgMigration, type MigrationSource } from '../wizards/flowLogs/plan';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { back } from '../wizards/shared/wizardUi';
import { flowLogEstateFor } from './enableFlowLogs';
import type { LensCommand } from './lensCommand';

const nsgType = 'microsoft.network/networksecuritygroups';

function isNsgFlowLog(flowLog: ExistingFlowLog): boolean {
  return resourceTypeOf(flowLog.targetId) === nsgType;
}

/** The NSG flow logs the rows name: flow log rows themselves, or the flow logs of NSG rows. */
function flowLogsFrom(armIds: string[], estate: FlowLogEstate): ExistingFlowLog[] {
  const ids = new Set(armIds.map((id) => id.toLowerCase()));
  return estate.flowLogs.filter((flowLog) => isNsgFlowLog(flowLog) && (ids.has(flowLog.id) || ids.has(flowLog.targetId)));
}

/** The subnets (or covering VNets) and directly attached NICs of the flow log's NSG. */
function targetsOf(flowLog: ExistingFlowLog, estate: FlowLogEstate): FlowLogTarget[] {
  const nsg = estate.nsgs.get(flowLog.targetId);
  return nsg === undefined ? [] : migrationTargets(nsg, estate.targets, estate.flowLogs);
}

/** "Migrate to VNet Flow Logs": from an NSG flow log row or an NSG row; from the palette, pick among the NSG flow logs. */
export function migrateNsgFlowLogsCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.migrateNsgFlowLogs',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const estate = await flowLogEstateFor(context);
      const armIds = resourcesOf(node, selection).map((resource) => resource.armId);
      let flowLogs = flowLogsFrom(armIds, estate);
      if (armIds.length > 0 && flowLogs.length === 0) {
        throw new Error(`${armIds.map((id) => nameOf(id)).join(', ')} has no NSG flow log to migrate.`);
      }
      if (flowLogs.length === 0) {
        const candidates = estate.flowLogs.filter(isNsgFlowLog);
        const picked = await context.ui().pickMany({
          id: 'migrate.flowLogs',
          title: 'Migrate to VNet Flow Logs',
          placeholder: 'NSG flow logs to migrate',
          items: candidates.map((flowLog) => ({
            label: flowLog.name,
            description: [nameOf(flowLog.targetArmId), flowLog.location, flowLog.enabled ? undefined : 'disabled'].filter(Boolean).join(' · '),
            value: flowLog.id,
          })),
          minimum: 1,
          emptyMessage: 'No NSG flow logs in the subscriptions shown.',
        });
        if (picked === undefined || picked === back) {
          return undefined;
        }
        flowLogs = candidates.filter((flowLog) => picked.includes(flowLog.id));
      }
      const sources: MigrationSource[] = flowLogs.map((flowLog) => ({
        flowLog,
        nsgName: nameOf(flowLog.targetArmId),
        targets: targetsOf(flowLog, estate),
        storage: estate.storageAccounts.find((account) => account.armId.toLowerCase() === flowLog.storageArmId.toLowerCase()),
      }));
      const facts = await estate.factsFor(sources.flatMap((source) => source.targets));
      return context.review(planNsgMigration(sources, facts));
    },
  };
}
