import * as vscode from 'vscode';
import { nameOf, resourceTypeOf } from '../azure/armIds';
import { isInSync, type PeeringRef } from '../azure/networkApi';
import { resourcesOf } from '../tree/treeNode';
import { describeStatuses, loadPeeringEstate, peeringsOf, peeringsSettled } from '../wizards/peering/peeringEstate';
import { planPeeringSync, syncTargetsFor } from '../wizards/peering/plan';
import { back } from '../wizards/shared/wizardUi';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { waitForPeerings, type PeeringCommandResult } from './createPeering';
import type { LensCommand } from './lensCommand';

/**
 * "Sync Peering": after a peered VNet's address space changed, PUT the stale peerings with
 * `syncRemoteAddressSpace=true`. From a peering row, that peering (or the one back, when the remote
 * side is stale); from a VNet row, every peering of it that is not in sync; from the palette, a pick.
 */
export function syncPeeringCommand(wizards: WizardContext): LensCommand {
  return {
    id: 'trafficLens.syncPeering',
    async run(node?: unknown, selection?: unknown): Promise<PeeringCommandResult | undefined> {
      const resources = resourcesOf(node, selection);
      const estate = await loadPeeringEstate(wizards);
      const vnets = new Map(estate.vnets.map((vnet) => [vnet.id, vnet]));
      const allPeerings = estate.vnets.flatMap((vnet) => vnet.peerings);
      let chosen: PeeringRef[] = [];
      for (const resource of resources) {
        const id = resource.armId.toLowerCase();
        const type = resourceTypeOf(id);
        if (type === 'microsoft.network/virtualnetworks/virtualnetworkpeerings') {
          const peering = allPeerings.find((candidate) => candidate.id === id);
          if (!peering) {
            throw new Error(`Couldn't sync ${resource.name}: the peering is gone from Azure. Refresh the tree.`);
          }
          chosen.push(peering);
        } else if (type === 'microsoft.network/virtualnetworks') {
          chosen.push(...(vnets.get(id)?.peerings ?? []).filter((peering) => !isInSync(peering)));
        }
      }
      if (resources.length === 0) {
        const stale = allPeerings.filter((peering) => !isInSync(peering));
        if (stale.length === 0) {
          void vscode.window.showInformationMessage('Every peering in the subscriptions shown is in sync with its remote address space.');
          return undefined;
        }
        const picked = await wizards.ui().pickMany<PeeringRef>({
          id: 'peering.syncTargets',
          title: 'Sync Peering',
          placeholder: 'Peerings to sync with their remote address space',
          items: stale.map((peering) => ({ label: peering.name, description: `${vnets.get(peering.vnetId)?.name ?? ''} → ${peering.remoteVnetArmId ? nameOf(peering.remoteVnetArmId) : ''} · ${peering.syncLevel}`, value: peering, picked: true })),
          minimum: 1,
        });
        if (picked === undefined || picked === back) {
          return undefined;
        }
        chosen = picked;
      }
      if (chosen.length === 0) {
        const names = resources.map((resource) => resource.name).join(', ');
        const peered = resources.some((resource) => (vnets.get(resource.armId.toLowerCase())?.peerings.length ?? 0) > 0);
        void vscode.window.showInformationMessage(peered ? `Every peering of ${names} is in sync with its remote address space.` : `${names} ${resources.length === 1 ? 'has' : 'have'} no peerings to sync.`);
        return undefined;
      }
      const { targets, missing } = syncTargetsFor(chosen, vnets);
      const report = await wizards.review(planPeeringSync(targets, missing));
      const peerings = report ? peeringsOf(report) : [];
      if (peerings.length === 0) {
        return { report, statuses: [] };
      }
      const { statuses, stopped } = await waitForPeerings(wizards, estate, peerings, { wantInSync: true });
      const message = `${stopped ? 'Stopped waiting. ' : ''}Peering sync: ${describeStatuses(statuses)}.`;
      wizards.log.info(message);
      // In sync as planned needs no second notification after the plan's "Done"; the log and the tree show it.
      if (!peeringsSettled(statuses, true)) {
        void vscode.window.showWarningMessage(`${message} Refresh the tree to see the peerings change.`);
      }
      return { report, statuses };
    },
  };
}
