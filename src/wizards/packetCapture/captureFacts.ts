/**
 * What the packet-capture wizard knows about Azure (read in src/azure/packetCaptureReads.ts,
 * which defines the shapes it returns) and what it asks. Plain data: the checks and the plan builder are pure functions of these.
 */
import type { CaptureFilter, ExistingCapture, OsType, VmFact } from '../../azure/packetCaptureReads';
import type { StorageTierFact } from '../shared/storageTier';
import type { WatcherFact } from '../shared/networkWatcher';

export type { CaptureFilter, ExistingCapture, OsType, VmExtensionFact, VmFact } from '../../azure/packetCaptureReads';

/** The Network Watcher agent extension, as the portal installs it. */
export const agentExtension = {
  name: 'AzureNetworkWatcherExtension',
  publisher: 'Microsoft.Azure.NetworkWatcher',
  typeHandlerVersion: '1.4',
  typeFor: (osType: OsType): string => (osType === 'Windows' ? 'NetworkWatcherAgentWindows' : 'NetworkWatcherAgentLinux'),
};

export interface CaptureStorageFact extends StorageTierFact {
  armId: string;
  name: string;
  location: string;
  subscriptionId: string;
  resourceGroup: string;
}

export type CaptureDestination = 'storage' | 'file' | 'both';

export interface CaptureAnswers {
  vmArmId: string;
  destination: CaptureDestination;
  storageArmId?: string;
  filePath?: string;
  filters: CaptureFilter[];
  timeLimitSeconds: number;
  bytesPerPacket: number;
  bytesPerSession: number;
  name: string;
}

export interface CaptureFacts {
  vm: VmFact;
  /** The subscription's watcher in the VM's region, if any. */
  watcher?: WatcherFact;
  /** NetworkWatcherRG's location, undefined when the group does not exist. */
  watcherGroupLocation?: string;
  subscriptionName: string;
  storageAccounts: CaptureStorageFact[];
  existingCapture?: ExistingCapture;
}

/** What "Start with defaults" sets, and the advanced questions' starting values: 5 minutes, whole packets, 1 GB. */
export const defaults = {
  timeLimitSeconds: 300,
  bytesPerPacket: 0,
  bytesPerSession: 1073741824,
};
