/**
 * What the packet-capture wizard knows about Azure (read in src/azure/packetCaptureReads.ts) and
 * what it asks. Plain data: the checks and the plan builder are pure functions of these.
 */
import type { StorageTierFact } from '../shared/storageTier';
import type { WatcherFact } from '../shared/networkWatcher';

/** The Network Watcher agent extension, as the portal installs it. */
export const agentExtension = {
  name: 'AzureNetworkWatcherExtension',
  publisher: 'Microsoft.Azure.NetworkWatcher',
  typeHandlerVersion: '1.4',
  typeFor: (osType: OsType): string => (osType === 'Windows' ? 'NetworkWatcherAgentWindows' : 'NetworkWatcherAgentLinux'),
};

export type OsType = 'Linux' | 'Windows';

export interface VmExtensionFact {
  name: string;
  publisher: string;
  type: string;
  provisioningState: string;
}

export interface VmFact {
  /** ARM id as Azure spells it. */
  armId: string;
  name: string;
  subscriptionId: string;
  tenantId: string;
  resourceGroup: string;
  location: string;
  osType: OsType;
  /** `running`, `deallocated`, `stopped`, `starting`, … (the `PowerState/…` code), or `unknown`. */
  powerState: string;
  privateIps: string[];
  extensions: VmExtensionFact[];
}

export interface CaptureStorageFact extends StorageTierFact {
  armId: string;
  name: string;
  location: string;
  subscriptionId: string;
  resourceGroup: string;
}

export interface CaptureFilter {
  protocol: 'TCP' | 'UDP' | 'Any';
  localIPAddress?: string;
  remoteIPAddress?: string;
  localPort?: string;
  remotePort?: string;
}

/** A capture with the wizard's name already in the watcher, with its status from queryStatus. */
export interface ExistingCapture {
  armId: string;
  name: string;
  target: string;
  /** `Running`, `Stopped`, `NotStarted`, `Error`, `Unknown`. */
  status: string;
  storageId?: string;
  filePath?: string;
  timeLimitInSeconds?: number;
  bytesToCapturePerPacket?: number;
  totalBytesPerSession?: number;
  filters: CaptureFilter[];
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
