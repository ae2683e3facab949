import { nameOf } from '../../azure/armIds';
import { isInSync } from '../../azure/networkApi';
import { problemLogLine, toArmProblem } from '../../azure/armProblem';
import { readPeeringStatus, type PeeringStatus } from '../../azure/peeringReads';
import type { EstateSubscription } from '../../inventory/estate';
import { estateEntryOf } from '../shared/estate';
import type { ApplyReport } from '../../core/plan';
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

export interface WatchOptions {
  /** Stop reading after this long (default 60 s); the last states read are returned. */
  timeoutMs?: number;
  /** The first wait between reads (default 1 s); each later wait doubles, up to `maxIntervalMs`. */
  intervalMs?: number;
  /** The longest wait between reads (default 10 s). */
  maxIntervalMs?: number;
  /** Also wait until every peering is FullyInSync (after a sync). */
  wantInSync?: boolean;
  /** Aborting stops the waiting (not a failure): the last states read are returned. */
  signal?: AbortSignal;
  log?: { warn(message: string): void };
  /** Called after each read, e.g. to show the states in a progress notification. */
  onRead?(statuses: readonly PeeringStatus[]): void;
  /** Reads one peering (default: a GET with the owning subscription's account). */
  read?(armId: string, signal: AbortSignal | undefined): Promise<PeeringStatus>;
}

/** True when every peering is Connected (and, when asked, in sync). */
export function peeringsSettled(statuses: readonly PeeringStatus[], wantInSync = false): boolean {
  return statuses.every((status) => status.peeringState === 'Connected' && (!wantInSync || isInSync(status)));
}

/**
 * Reads the peerings again until all are Connected (and, for a sync, in sync), with growing waits
 * between reads, for at most `timeoutMs`: a new peering stays Initiated until its other side exists.
 * Aborting `signal` stops the waiting and returns what was read last.
 */
export async function watchPeerings(estate: PeeringEstate, peeringIds: readonly string[], options: WatchOptions = {}): Promise<PeeringStatus[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxIntervalMs = options.maxIntervalMs ?? 10_000;
  const started = Date.now();
  let intervalMs = options.intervalMs ?? 1000;
  const read = options.read ?? ((armId: string, signal: AbortSignal | undefined) => readWithAccount(estate, armId, signal));
  let statuses: PeeringStatus[] = peeringIds.map((armId) => ({ armId, name: nameOf(armId), peeringState: 'Unknown' }));
  for (;;) {
    const fresh = await Promise.all(
      peeringIds.map(async (armId) => {
        try {
          return await read(armId, options.signal);
        } catch (error) {
          // The plan is applied; a failed read only leaves this peering's state unknown.
          const problem = toArmProblem(error);
          if (!options.signal?.aborted) {
            options.log?.warn(problemLogLine(`Peering: reading the state of ${armId}`, problem));
          }
          return { armId, name: nameOf(armId), peeringState: `Unknown (${problem.code})` };
        }
      }),
    );
    if (options.signal?.aborted) {
      // A read cut short by the cancel says nothing new: keep the previous states.
      return statuses;
    }
    statuses = fresh;
    options.onRead?.(statuses);
    const remaining = timeoutMs - (Date.now() - started);
    if (peeringsSettled(statuses, options.wantInSync) || remaining <= 0) {
      return statuses;
    }
    if (!(await pause(Math.min(intervalMs, remaining), options.signal))) {
      return statuses;
    }
    intervalMs = Math.min(intervalMs * 2, maxIntervalMs);
  }
}

/** Waits `ms`; false when `signal` aborted first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort);
  });
}

async function readWithAccount(estate: PeeringEstate, armId: string, signal: AbortSignal | undefined): Promise<PeeringStatus> {
  const owner = estateEntryOf(estate.subscriptions, armId);
  if (!owner) {
    return { armId, name: nameOf(armId), peeringState: 'Unknown' };
  }
  return readPeeringStatus(owner.account, owner.subscription.tenantId, armId, signal);
}

/** `hub-to-dev: Connected, dev-to-hub: Initiated` */
export function describeStatuses(statuses: readonly PeeringStatus[]): string {
  return statuses.map((status) => `${status.name}: ${status.peeringState}${isInSync(status) ? '' : ` (${status.syncLevel})`}`).join(', ');
}
