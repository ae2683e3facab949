/**
 * Azurite serving every storage account of the topology, with the keys the ARM stand-in hands out
 * through `listKeys`; the accounts the topology's flow logs write to are seeded with flow-log blobs. Used by the demo and by
 * integration tests:
 *
 *   const standIn = await startStandIn({ topology });
 *   const storage = await startFlowLogAzurite({ topology, standIn, https: true });
 *   storage.blobEndpoints.get(hubFlowLogStorageId.toLowerCase())  // https://127.0.0.1:<port>/sthubflowlogsgwc01
 */
import { startAzurite, azuriteServiceClient, type Azurite } from './azurite';
import { seedTopologyFlowLogs, type SeededBlob } from './blobSeed';
import type { StandIn } from './server';
import { armIds, type Topology } from './topology';

export interface FlowLogAzuriteOptions {
  topology: Topology;
  /** The running ARM stand-in seeded from the same topology: its storage keys are Azurite's. */
  standIn: StandIn;
  /** HTTPS with bearer tokens (`--oauth basic`), trusting the stand-in's shared CA. */
  https?: boolean;
  /** Hours per MAC (default 3), ending with the current hour unless `lastHour` is given. */
  hours?: number;
  lastHour?: number;
  recordsPerBlob?: number;
}

export interface FlowLogAzurite {
  azurite: Azurite;
  /** Lower-cased storage account id → its blob endpoint on Azurite. */
  blobEndpoints: Map<string, string>;
  seeded: SeededBlob[];
  close(): Promise<void>;
}

export async function startFlowLogAzurite(options: FlowLogAzuriteOptions): Promise<FlowLogAzurite> {
  // Every storage account of the topology, so a flow log or packet capture created later can write
  // to any of them; the ones the topology's flow logs write to are seeded with blobs.
  const accountIds = new Set<string>();
  for (const subscription of options.topology.subscriptions) {
    for (const group of subscription.resourceGroups) {
      for (const account of group.storageAccounts ?? []) {
        accountIds.add(armIds.storageAccount(subscription.subscriptionId, group.name, account.name).toLowerCase());
      }
      for (const watcher of group.networkWatchers ?? []) {
        for (const flowLog of watcher.flowLogs ?? []) {
          accountIds.add(flowLog.storageId.toLowerCase());
        }
      }
    }
  }
  const accounts = [...accountIds].map((id) => {
    const key = options.standIn.state.storageKeys.get(id)?.[0]?.value;
    if (!key) {
      throw new Error(`The stand-in has no keys for storage account ${id}: start it with the same topology.`);
    }
    return { id, name: id.split('/').pop() ?? '', key };
  });
  const azurite = await startAzurite({ ...(options.https ? { https: true as const } : {}), accounts: accounts.map(({ name, key }) => ({ name, key })) });
  try {
    const seeded: SeededBlob[] = [];
    const blobEndpoints = new Map<string, string>();
    for (const account of accounts) {
      blobEndpoints.set(account.id, `${azurite.serviceUrl}/${account.name}`);
      seeded.push(...await seedTopologyFlowLogs(azuriteServiceClient(azurite, account.name), options.topology, {
        storageAccountId: account.id,
        ...(options.hours === undefined ? {} : { hours: options.hours }),
        ...(options.lastHour === undefined ? {} : { lastHour: options.lastHour }),
        ...(options.recordsPerBlob === undefined ? {} : { recordsPerBlob: options.recordsPerBlob }),
      }));
    }
    options.standIn.useCaptureStorage({
      write: async (storageAccountId, container, blobName, data) => {
        const account = accounts.find((candidate) => candidate.id === storageAccountId.toLowerCase());
        if (!account) {
          throw new Error(`Azurite does not serve storage account ${storageAccountId}.`);
        }
        const containerClient = azuriteServiceClient(azurite, account.name).getContainerClient(container);
        await containerClient.createIfNotExists();
        await containerClient.getBlockBlobClient(blobName).uploadData(data);
        return `${azurite.serviceUrl}/${account.name}/${container}/${blobName}`;
      },
    });
    return { azurite, blobEndpoints, seeded, close: () => azurite.close() };
  } catch (error) {
    await azurite.close();
    throw error;
  }
}
