import { problemLogLine, toArmProblem } from '../../azure/armProblem';
import { readPeeringStatus, type PeeringStatus } from '../../azure/peeringReads';
import { subscriptionOf } from '../../azure/armIds';
import type { EstateSubscription } from '../../tree/lensTreeProvider';
import type { ApplyReport } from '../shared/plan';
import type { WizardContext } from '../shared/wizardContext';
import { peeringVnetOf, type PeeringVnet } from './peeringVnet';

export interface PeeringEstate {
  subscriptions: EstateSubscription[];
  vnets: PeeringVnet[];
}

/** Lists the VNets of every subscription the tree shows again (peerings change outside the extension), and maps them for the wizard. */
export async function loadPeeringEstate(context: WizardContext): Promise<PeeringEstate> {
  const subscriptions = await context.estate();
  if (subscriptions.length === 0) {
    throw new Error('Sign in to Azure and show at least one subscription in the Azure Traffic Lens view to peer virtual networks.');
  }
  const vnets: PeeringVnet[] = [];
  await Promise.all(
    subscriptions.map(async ({ subscription, inventory }) => {
      inventory.invalidate('vnets');
      const result = await inventory.section('vnets');
      if (result.ok) {
        vnets.push(...result.value.map((vnet) => peeringVnetOf(vnet, subscription)));
      } else {
        context.log.warn(problemLogLine(`Peering: listing the virtual networks of ${subscription.displayName}`, result.problem));
      }
    }),
  );
  vnets.sort((a, b) => a.name.localeCompare(b.name) || a.subscriptionName.localeCompare(b.subscriptionName));
  return { subscriptions, vnets };
}

/** The peerings a report created, updated, kept or synced (PUTs that ended well). */
export function peeringsOf(report: ApplyReport): string[] {
  if (!report.outcomes.some((outcome) => outcome.status === 'succeeded')) {
    return [];
  }
  const good = new Set(report.outcomes.filter((outcome) => outcome.status === 'succeeded' || outcome.status === 'kept').map((outcome) => outcome.actionId));
  const ids = report.plan.actions.filter((action) => action.kind === 'put' && good.has(action.id)).map((action) => action.resourceId);
  return [...new Set(ids)];
}

/**
 * Reads the peerings again until all are Connected (and, for a sync, in sync), at most `attempts`
 * times `intervalMs` apart: a new peering stays Initiated until its other side exists.
 */
export async function watchPeerings(estate: PeeringEstate, peeringIds: readonly string[], options: { attempts?: number; intervalMs?: number; wantInSync?: boolean; signal?: AbortSignal; log?: { warn(message: string): void } } = {}): Promise<PeeringStatus[]> {
  const attempts = options.attempts ?? 6;
  let statuses: PeeringStatus[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    statuses = await Promise.all(
      peeringIds.map(async (armId) => {
        const owner = estate.subscriptions.find((entry) => entry.subscription.subscriptionId.toLowerCase() === subscriptionOf(armId));
        if (!owner) {
          return { armId, name: armId.split('/').pop() ?? armId, peeringState: 'Unknown' };
        }
        try {
          return await readPeeringStatus(owner.account.credentialForTenant(owner.subscription.tenantId), owner.account.resourceManagerEndpoint, armId, options.signal);
        } catch (error) {
          // The plan is applied; a failed read only leaves this peering's state unknown.
          const problem = toArmProblem(error);
          options.log?.warn(problemLogLine(`Peering: reading the state of ${armId}`, problem));
          return { armId, name: armId.split('/').pop() ?? armId, peeringState: `Unknown (${problem.code})` };
        }
      }),
    );
    const settled = statuses.every((status) => status.peeringState === 'Connected' && (!options.wantInSync || (status.syncLevel ?? 'FullyInSync') === 'FullyInSync'));
    if (settled || attempt === attempts - 1) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
  return statuses;
}

/** `hub-to-dev: Connected, dev-to-hub: Initiated` */
export function describeStatuses(statuses: readonly PeeringStatus[]): string {
  return statuses.map((status) => `${status.name}: ${status.peeringState}${status.syncLevel && status.syncLevel !== 'FullyInSync' ? ` (${status.syncLevel})` : ''}`).join(', ');
}
