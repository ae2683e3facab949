/**
 * What the packet-capture wizard reads before asking and planning: the shown subscriptions,
 * reloaded so the plan sees Azure as it is now (VMs from their NICs, watchers), storage accounts,
 * then for the picked VM its power state and extensions, NetworkWatcherRG, and a capture of the
 * same name with its status.
 */
import { nameOf } from '../../azure/armIds';
import { FlowLogReads } from '../../azure/flowLogsReads';
import { PacketCaptureReads } from '../../azure/packetCaptureReads';
import type { EstateSubscription } from '../../inventory/estate';
import { estateEntryOf, reloadSections } from '../shared/estate';
import { watcherFactsOf, watcherResourceGroup, watchersUnreadable, type WatcherFact } from '../shared/networkWatcher';
import { type CaptureAnswers, type CaptureFacts, type CaptureStorageFact, type VmFact } from './captureFacts';
import type { CaptureQuestionsEstate, VmChoice } from './gather';

export type ReadProblem = (what: string, error: unknown) => void;

export interface CaptureEstate extends CaptureQuestionsEstate {
  subscriptions: EstateSubscription[];
  factsFor(answers: CaptureAnswers): Promise<CaptureFacts>;
}

function entryFor(subscriptions: EstateSubscription[], armId: string): EstateSubscription {
  const entry = estateEntryOf(subscriptions, armId);
  if (entry === undefined) {
    throw new Error(`The subscription of ${armId} is not shown in the tree; select it with "Select Subscriptions…" and try again.`);
  }
  return entry;
}

export async function readCaptureEstate(subscriptions: EstateSubscription[], onProblem: ReadProblem, signal?: AbortSignal): Promise<CaptureEstate> {
  const vms = new Map<string, VmChoice>();
  const storageAccounts: CaptureStorageFact[] = [];
  const watchers = new Map<string, WatcherFact[]>();
  const watcherProblems = new Map<string, { code: string; message: string }>();
  await Promise.all(subscriptions.map(async (entry) => {
    const { subscriptionId, tenantId, displayName } = entry.subscription;
    const [, accounts] = await Promise.all([
      reloadSections(entry, 'nics', 'watchers'),
      new FlowLogReads(entry.account).listStorageAccounts(subscriptionId, tenantId, signal).catch((error: unknown) => {
        onProblem(`Listing storage accounts of subscription ${displayName} (${subscriptionId})`, error);
        return [];
      }),
    ]);
    storageAccounts.push(...accounts.map((account) => ({ armId: account.armId, name: account.name, location: account.location, subscriptionId: account.subscriptionId, resourceGroup: account.resourceGroup, kind: account.kind, sku: account.sku })));
    for (const nic of entry.inventory.index().nicsById.values()) {
      if (!nic.virtualMachineId) {
        continue;
      }
      const key = nic.virtualMachineId.toLowerCase();
      const known = vms.get(key);
      if (known) {
        known.privateIps.push(...nic.privateIpAddresses);
      } else {
        vms.set(key, {
          armId: nic.virtualMachineId,
          name: nic.virtualMachineName ?? nameOf(nic.virtualMachineId),
          location: nic.location.toLowerCase(),
          subscriptionName: displayName,
          privateIps: [...nic.privateIpAddresses],
        });
      }
    }
    // A failed list is already in the log (the inventory reports it); a plan for this subscription refuses.
    const listed = entry.inventory.cached('watchers');
    if (listed?.ok) {
      watchers.set(subscriptionId.toLowerCase(), watcherFactsOf(listed.value));
    } else if (listed !== undefined) {
      watcherProblems.set(subscriptionId.toLowerCase(), listed.problem);
    }
  }));

  const vmReads = new Map<string, Promise<VmFact>>();
  const readVm = (vmArmId: string): Promise<VmFact> => {
    const key = vmArmId.toLowerCase();
    let read = vmReads.get(key);
    if (read === undefined) {
      const entry = entryFor(subscriptions, vmArmId);
      read = new PacketCaptureReads(entry.account).readVm(vmArmId, entry.subscription.tenantId, vms.get(key)?.privateIps ?? [], signal);
      vmReads.set(key, read);
      read.catch(() => vmReads.delete(key));
    }
    return read;
  };

  return {
    subscriptions,
    vms: [...vms.values()].sort((a, b) => a.name.localeCompare(b.name)),
    storageAccounts: storageAccounts.sort((a, b) => a.name.localeCompare(b.name)),
    readVm,
    factsFor: async (answers) => {
      const entry = entryFor(subscriptions, answers.vmArmId);
      const { subscriptionId, tenantId, displayName } = entry.subscription;
      const problem = watcherProblems.get(subscriptionId.toLowerCase());
      if (problem !== undefined) {
        throw watchersUnreadable(displayName, problem);
      }
      const vm = await readVm(answers.vmArmId);
      const watcher = (watchers.get(subscriptionId.toLowerCase()) ?? []).find((candidate) => candidate.location === vm.location.toLowerCase());
      const reads = new PacketCaptureReads(entry.account);
      const [watcherGroupLocation, existingCapture] = await Promise.all([
        watcher ? Promise.resolve(undefined) : new FlowLogReads(entry.account).resourceGroupLocation(subscriptionId, tenantId, watcherResourceGroup, signal),
        watcher ? reads.readCapture(watcher.armId, answers.name, tenantId, signal) : Promise.resolve(undefined),
      ]);
      return {
        vm,
        ...(watcher ? { watcher } : {}),
        ...(watcherGroupLocation === undefined ? {} : { watcherGroupLocation }),
        subscriptionName: displayName,
        storageAccounts,
        ...(existingCapture ? { existingCapture } : {}),
      };
    },
  };
}
