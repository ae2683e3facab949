import * as vscode from 'vscode';
import { nameOf, resourceTypeOf } from '../azure/armIds';
import { PacketCaptureReads } from '../azure/packetCaptureReads';
import type { EstateSubscription } from '../tree/lensTreeProvider';
import { estateEntryOf } from '../wizards/shared/estate';
import { resourcesOf } from '../tree/treeNode';
import type { WizardContext } from '../wizards/shared/wizardContext';

/** A packet capture a command acts on, with the subscription (and sign-in) that lists it. */
export interface CaptureTarget {
  armId: string;
  name: string;
  entry: EstateSubscription;
  reads: PacketCaptureReads;
}

/**
 * The capture of a packet-capture row, or (from the palette) one picked from the captures the
 * tree's subscriptions list. `undefined` when the user cancelled the pick.
 */
export async function captureTarget(context: WizardContext, node: unknown, selection: unknown): Promise<CaptureTarget | undefined> {
  const estate = await context.estate();
  const fromRow = resourcesOf(node, selection).find((resource) => resourceTypeOf(resource.armId) === 'microsoft.network/networkwatchers/packetcaptures');
  let armId = fromRow?.armId;
  if (armId === undefined) {
    const items: Array<vscode.QuickPickItem & { armId: string }> = [];
    for (const entry of estate) {
      await entry.inventory.loadAll();
      const watchers = entry.inventory.cached('watchers');
      if (!watchers?.ok) {
        continue;
      }
      for (const contents of watchers.value) {
        for (const capture of contents.packetCaptures) {
          items.push({ label: capture.name, description: `${nameOf(capture.targetArmId)} · ${contents.watcher.name}`, detail: entry.subscription.displayName, armId: capture.armId });
        }
      }
    }
    if (items.length === 0) {
      throw new Error('No packet captures in the subscriptions the view shows. Start one with "Start Packet Capture…" on a network interface.');
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'Packet capture', placeHolder: 'Pick a packet capture' });
    armId = picked?.armId;
  }
  if (armId === undefined) {
    return undefined;
  }
  const entry = estateEntryOf(estate, armId);
  if (entry === undefined) {
    throw new Error(`The subscription of packet capture ${nameOf(armId)} is not shown in the tree; select it with "Select Subscriptions…".`);
  }
  return { armId, name: nameOf(armId), entry, reads: new PacketCaptureReads(entry.account) };
}
