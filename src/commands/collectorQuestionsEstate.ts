import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { armFailure } from '../azure/armProblem';
import type { EstateSubscription } from '../inventory/estate';
import { readCollectorSubnets, sizeReader, type CollectorQuestionsEstate } from '../wizards/collector/collectorFacts';
import type { WizardContext } from '../wizards/shared/wizardContext';

/** `~/…` as the user's home. */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** A file's text; a failure names the file and why, not a stack trace. */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(expandHome(path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new Error(`Couldn't read ${path}: ${why}.`, { cause: error });
  }
}

/**
 * What the collector questions offer, for "Create Collector VM…" and the set-ups that create one:
 * the shown subscriptions' subnets, the VM sizes of a region (read once each; a failure says which
 * region and why, with the details in the log), the user's files, and the SSH keys tried first.
 */
export async function collectorQuestionsEstate(context: WizardContext, subscriptions: EstateSubscription[]): Promise<CollectorQuestionsEstate> {
  const reads = sizeReader(subscriptions);
  return {
    subnets: await readCollectorSubnets(subscriptions),
    sizesFor: (subscriptionId, tenantId, region) =>
      reads(subscriptionId, tenantId, region).catch((error: unknown) => {
        throw armFailure(context.log, `Listing VM sizes in ${region} for subscription ${subscriptionId}`, `list the VM sizes offered in ${region}`, error);
      }),
    readTextFile,
    defaultKeyFiles: ['~/.ssh/id_ed25519.pub', '~/.ssh/id_rsa.pub'],
  };
}
