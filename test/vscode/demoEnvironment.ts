/**
 * The local Azure the demo points the extension at: the ARM stand-in seeded with the demo estate
 * and Azurite holding generated flow logs for that estate's flow logs, both over HTTPS with the
 * stand-in's CA. Processes that talk to them (code-server and its extension host) get
 * `caBundlePath` as NODE_EXTRA_CA_CERTS, so TLS checks stay on.
 *
 *   const local = await startDemoEnvironment({ folder: '.demo' });
 *   spawn(node, args, { env: { ...process.env, NODE_EXTRA_CA_CERTS: local.caBundlePath } });
 *   writeFileSync(settingsJson, JSON.stringify({ ...local.settings }));
 *   await local.close();
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedCertificates } from '../standin/certs';
import { startFlowLogAzurite, type FlowLogAzurite } from '../standin/azuriteFlowLogs';
import { standInExtensionSettings } from '../standin/extensionSettings';
import { startLogAnalytics, type LogAnalyticsStandIn } from '../standin/logAnalytics';
import { startStandIn, type StandIn } from '../standin/server';
import { demoTenantId, demoTopology } from '../standin/topologies/demo';

export interface DemoEnvironmentOptions {
  /** Where the CA bundle is written. */
  folder: string;
  /** Added to every ARM request (default 0), to show loading rows. */
  latencyMs?: number;
  /** Hours of flow logs per NIC in Azurite (default 3, ending with the current hour). */
  hours?: number;
  /** Epoch ms of the newest hour of flow logs (default: the current hour). */
  lastHour?: number;
}

export interface DemoSubscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

export interface DemoEnvironment {
  /** `https://127.0.0.1:<port>` of the ARM stand-in. */
  resourceManagerUrl: string;
  /** `https://127.0.0.1:<port>` of Azurite; each storage account is a path below it. */
  storageServiceUrl: string;
  /** `https://127.0.0.1:<port>` of the Log Analytics query stand-in (the query API is under `/v1`). */
  logAnalyticsUrl: string;
  /** Storage account name → its blob endpoint on Azurite (path style). */
  storageAccounts: Map<string, string>;
  /** The machine's NODE_EXTRA_CA_CERTS bundle (if any) plus the stand-in's CA. */
  caBundlePath: string;
  tenantId: string;
  /** Subscriptions of the demo tenant, as the tree lists them after sign-in. */
  subscriptions: DemoSubscription[];
  /** Flow-log blobs written to Azurite. */
  blobCount: number;
  /** The user settings that point the extension at this environment. */
  settings: Record<string, unknown>;
  standIn: StandIn;
  storage: FlowLogAzurite;
  logAnalytics: LogAnalyticsStandIn;
  close(): Promise<void>;
}

/**
 * Writes `<folder>/ca-bundle.pem`: the machine's NODE_EXTRA_CA_CERTS bundle (Node reads that
 * variable once, from one file) plus the CA of the certificates this process's stand-in and
 * Azurite serve. Usable before they start, so code-server can start alongside them.
 */
export function writeCaBundle(folder: string): string {
  mkdirSync(folder, { recursive: true });
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  const inherited = existing !== undefined && existing !== '' && existsSync(existing) ? `${readFileSync(existing, 'utf8').trimEnd()}\n` : '';
  const caBundlePath = join(folder, 'ca-bundle.pem');
  writeFileSync(caBundlePath, `${inherited}${sharedCertificates().caPem}`);
  return caBundlePath;
}

/** Starts the stand-in and Azurite; if Azurite fails, the stand-in is stopped again before rethrowing. */
export async function startDemoEnvironment(options: DemoEnvironmentOptions): Promise<DemoEnvironment> {
  const topology = demoTopology();
  const standIn = await startStandIn({ topology, latencyMs: options.latencyMs ?? 0 });
  let storage: FlowLogAzurite;
  try {
    storage = await startFlowLogAzurite({
      topology,
      standIn,
      https: true,
      ...(options.hours === undefined ? {} : { hours: options.hours }),
      ...(options.lastHour === undefined ? {} : { lastHour: options.lastHour }),
    });
  } catch (error) {
    await standIn.close();
    throw new Error(`Azurite could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // Traffic Analytics rows come from the same blobs Azurite holds (same hours, same last hour).
  const logAnalytics = await startLogAnalytics({
    topology,
    standIn,
    ...(options.hours === undefined ? {} : { hours: options.hours }),
    ...(options.lastHour === undefined ? {} : { lastHour: options.lastHour }),
  }).catch(async (error: unknown) => {
    await Promise.allSettled([storage.close(), standIn.close()]);
    throw error;
  });
  const caBundlePath = writeCaBundle(options.folder);

  const storageAccounts = new Map<string, string>();
  for (const [id, endpoint] of storage.blobEndpoints) {
    storageAccounts.set(id.split('/').pop() ?? id, endpoint);
    // Clients learn an account's blob endpoint from ARM (`primaryEndpoints.blob`), as with Azure
    // Stack Hub and sovereign clouds: advertise Azurite's path-style one instead of *.blob.core.windows.net.
    const account = standIn.state.get(id);
    const endpoints = account?.properties.primaryEndpoints;
    if (endpoints !== undefined && typeof endpoints === 'object' && endpoints !== null) {
      (endpoints as Record<string, unknown>).blob = `${endpoint}/`;
    }
  }
  const subscriptions = topology.subscriptions
    .filter((subscription) => subscription.tenantId === demoTenantId)
    .map(({ subscriptionId, displayName, tenantId }) => ({ subscriptionId, displayName, tenantId }));
  let closed: Promise<void> | undefined;
  return {
    resourceManagerUrl: standIn.url,
    storageServiceUrl: storage.azurite.serviceUrl,
    logAnalyticsUrl: logAnalytics.url,
    storageAccounts,
    caBundlePath,
    tenantId: demoTenantId,
    subscriptions,
    blobCount: storage.seeded.length,
    settings: Object.fromEntries(Object.entries(standInExtensionSettings(standIn.url, demoTenantId, logAnalytics.url)).map(([name, value]) => [`trafficLens.${name}`, value])),
    standIn,
    storage,
    logAnalytics,
    close: () => {
      closed ??= Promise.allSettled([logAnalytics.close(), storage.close(), standIn.close()]).then(() => undefined);
      return closed;
    },
  };
}
