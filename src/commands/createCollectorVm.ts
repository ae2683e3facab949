import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resourceTypeOf } from '../azure/armIds';
import { armFailure } from '../azure/armProblem';
import { resourcesOf } from '../tree/treeNode';
import type { ApplyReport } from '../core/plan';
import { readCollectorFacts, readCollectorSubnets, sizeReader, type CollectorQuestionsEstate } from '../wizards/collector/collectorFacts';
import { gatherCollector, type CollectorSeed } from '../wizards/collector/gather';
import { planCollector } from '../wizards/collector/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import type { LensCommand } from './lensCommand';

/** `~/…` as the user's home. */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** A file's text; a failure names the file and why, not a stack trace. */
async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(expandHome(path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new Error(`Couldn't read ${path}: ${why}.`, { cause: error });
  }
}

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
      const reads = sizeReader(subscriptions);
      const estate: CollectorQuestionsEstate = {
        subnets: await readCollectorSubnets(subscriptions),
        // A failed read says which region and why, with the details in the log.
        sizesFor: (subscriptionId, tenantId, region) =>
          reads(subscriptionId, tenantId, region).catch((error: unknown) => {
            throw armFailure(context.log, `Listing VM sizes in ${region} for subscription ${subscriptionId}`, `list the VM sizes offered in ${region}`, error);
          }),
        readTextFile,
        defaultKeyFiles: ['~/.ssh/id_ed25519.pub', '~/.ssh/id_rsa.pub'],
      };
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
