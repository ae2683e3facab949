import * as vscode from 'vscode';
import { resourceTypeOf } from '../azure/armIds';
import { resourcesOf } from '../tree/treeNode';
import { gatherPeering } from '../wizards/peering/gather';
import { describeStatuses, loadPeeringEstate, peeringsOf, peeringsSettled, watchPeerings, type PeeringEstate } from '../wizards/peering/peeringEstate';
import { planPeering } from '../wizards/peering/plan';
import type { PeeringStatus } from '../azure/peeringReads';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import type { LensCommand } from './lensCommand';
import { withCancellableProgress } from '../wizards/shared/progress';

/** What the command resolves with (integration tests read it). */
export interface PeeringCommandResult {
  report?: ApplyReport;
  /** The peerings' states read after Apply. */
  statuses: PeeringStatus[];
}

/**
 * Reads the peerings until they are Connected (and in sync when asked) in a cancellable progress
 * notification that shows their states; at most 60 s. `stopped` is true when the user cancelled.
 */
export async function waitForPeerings(wizards: WizardContext, estate: PeeringEstate, peerings: readonly string[], options: { wantInSync: boolean }): Promise<{ statuses: PeeringStatus[]; stopped: boolean }> {
  return withCancellableProgress(options.wantInSync ? 'Waiting for the peerings to be in sync' : 'Waiting for the peerings to connect', async (progress, signal) => {
    const statuses = await watchPeerings(estate, peerings, {
      wantInSync: options.wantInSync,
      signal,
      log: wizards.log,
      onRead: (current) => progress.report({ message: describeStatuses(current) }),
    });
    return { statuses, stopped: signal.aborted && !peeringsSettled(statuses, options.wantInSync) };
  });
}

/**
 * "Peer with Hub…": from a VNet (as a spoke, or as the hub of many spokes), a selection of VNets
 * (one is the hub) or the palette. Both directions per spoke; afterwards the peerings are read
 * again until Connected (at most 60 s, cancellable) and their states reported.
 */
export function createPeeringCommand(wizards: WizardContext): LensCommand {
  return {
    id: 'trafficLens.createPeering',
    async run(node?: unknown, selection?: unknown): Promise<PeeringCommandResult | undefined> {
      const chosenIds = new Set(
        resourcesOf(node, selection)
          .filter((resource) => resourceTypeOf(resource.armId) === 'microsoft.network/virtualnetworks')
          .map((resource) => resource.armId.toLowerCase()),
      );
      const estate = await loadPeeringEstate(wizards);
      const selected = estate.vnets.filter((vnet) => chosenIds.has(vnet.id));
      if (estate.vnets.length < 2) {
        throw new Error('Peering needs at least two virtual networks in the subscriptions the Azure Traffic Lens view shows.');
      }
      // Several rows with the clicked one among them (a TAP plan's "Peer with Hub…" sends the hub first): the clicked one is the suggested hub.
      const clicked = resourcesOf(node, undefined)[0]?.armId.toLowerCase();
      const suggestedHubId = selected.length >= 2 && selected.some((vnet) => vnet.id === clicked) ? clicked : undefined;
      let asked = false;
      const report = await askPlanReview(
        wizards.reviewOrBack,
        async (trail) => {
          const answers = await gatherPeering(wizards.ui(), { selected, all: estate.vnets, suggestedHubId }, trail);
          asked ||= answers !== undefined;
          return answers;
        },
        planPeering,
      );
      if (!asked) {
        return undefined;
      }
      const peerings = report ? peeringsOf(report) : [];
      if (peerings.length === 0) {
        return { report, statuses: [] };
      }
      const { statuses, stopped } = await waitForPeerings(wizards, estate, peerings, { wantInSync: false });
      const message = `${stopped ? 'Stopped waiting. ' : ''}Peering states: ${describeStatuses(statuses)}.`;
      wizards.log.info(message);
      // Connected as planned needs no second notification after the plan's "Done"; the log and the tree show it.
      if (!peeringsSettled(statuses)) {
        void vscode.window.showWarningMessage(`${message} A peering stays Initiated until its other side exists; refresh the tree to see it change.`);
      }
      return { report, statuses };
    },
  };
}
