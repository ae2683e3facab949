import { nameOf, resourceTypeOf } from '../azure/armIds';
import { PacketCaptureReads } from '../azure/packetCaptureReads';
import type { EstateSubscription } from '../inventory/estate';
import { estateEntryOf } from '../wizards/shared/estate';
import { resourcesOf } from '../tree/treeNode';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { back, type PickItem } from '../wizards/shared/wizardUi';

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
    const items: PickItem<string>[] = [];
    const unread: string[] = [];
    // Only the watchers (with their captures) are needed; failures are already in the log.
    const listed = await Promise.all(estate.map(async (entry) => ({ entry, watchers: await entry.inventory.section('watchers') })));
    for (const { entry, watchers } of listed) {
      if (!watchers.ok) {
        unread.push(`${entry.subscription.displayName} (${watchers.problem.code})`);
        continue;
      }
      for (const contents of watchers.value) {
        for (const capture of contents.packetCaptures) {
          items.push({ label: capture.name, description: `${nameOf(capture.targetArmId)} · ${contents.watcher.name}`, detail: entry.subscription.displayName, value: capture.armId });
        }
      }
    }
    if (items.length === 0) {
      const failed = unread.length === 0 ? '' : ` Listing the network watchers of ${unread.join(', ')} failed; see the output channel.`;
      throw new Error(`No packet captures in the subscriptions the view shows.${failed} Start one with "Start Packet Capture…" on a network interface.`);
    }
    const picked = await context.ui().pick({ id: 'packetCapture.pick', title: 'Packet capture', placeholder: 'Pick a packet capture', items });
    armId = picked === back ? undefined : picked;
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
