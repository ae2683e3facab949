/**
 * The one place Resource Manager SDK clients are built: every client gets the account's credential
 * for the tenant, the cloud's Resource Manager endpoint, a test CA when there is one, and the
 * policy that keeps ARM's error details for `toArmProblem`. `ArmClients` keeps one client per
 * kind, tenant and subscription, so the tree's lists and the wizards' reads of one sign-in share
 * them (the SDK clients hold no per-call state).
 */
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { StorageManagementClient } from '@azure/arm-storage';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { errorDetailsHeader } from './armProblem';

/** What building a client needs of a signed-in account (a `SignedInAccount` has it). */
export interface ArmAccess {
  /** Its Resource Manager credential for one tenant. */
  credentialForTenant(tenantId: string): TokenCredential;
  /** Resource Manager URL of its cloud, e.g. `https://management.azure.com`. */
  resourceManagerEndpoint: string;
  /** Extra CA certificates (PEM), for tests that start the stand-in in-process. */
  caPem?: string;
  /** The clients already built for this account; set by the sign-in so every reader shares them. */
  clients?: ArmClients;
}

type SubscriptionClientClass<T> = new (credential: TokenCredential, subscriptionId: string, options: ArmClientOptions) => T;

/** SDK clients of one account, built once per kind, tenant and subscription. */
export class ArmClients {
  private readonly built = new Map<string, unknown>();

  constructor(private readonly access: Omit<ArmAccess, 'clients'>) {}

  /** The account's shared clients when the sign-in set them, else a set for this caller alone. */
  static of(access: ArmAccess): ArmClients {
    return access.clients ?? new ArmClients(access);
  }

  /** Options for a client of this account's cloud. */
  get options(): ArmClientOptions {
    return armClientOptions(this.access.resourceManagerEndpoint, this.access.caPem);
  }

  network(tenantId: string, subscriptionId: string): NetworkManagementClient {
    return this.perSubscription('network', NetworkManagementClient, tenantId, subscriptionId);
  }

  compute(tenantId: string, subscriptionId: string): ComputeManagementClient {
    return this.perSubscription('compute', ComputeManagementClient, tenantId, subscriptionId);
  }

  resources(tenantId: string, subscriptionId: string): ResourceManagementClient {
    return this.perSubscription('resources', ResourceManagementClient, tenantId, subscriptionId);
  }

  storage(tenantId: string, subscriptionId: string): StorageManagementClient {
    return this.perSubscription('storage', StorageManagementClient, tenantId, subscriptionId);
  }

  operationalInsights(tenantId: string, subscriptionId: string): OperationalInsightsManagementClient {
    return this.perSubscription('operationalInsights', OperationalInsightsManagementClient, tenantId, subscriptionId);
  }

  /** Lists tenants and their subscriptions with `credential` (the home tenant's, or one tenant's); built per call, as the credential varies. */
  subscriptionClient(credential: TokenCredential): SubscriptionClient {
    return new SubscriptionClient(credential, this.options);
  }

  /** Resource Graph is asked per tenant; the query names the subscriptions. */
  resourceGraph(tenantId: string): ResourceGraphClient {
    const key = `resourceGraph|${tenantId}`;
    let client = this.built.get(key) as ResourceGraphClient | undefined;
    if (client === undefined) {
      client = new ResourceGraphClient(this.access.credentialForTenant(tenantId), this.options);
      this.built.set(key, client);
    }
    return client;
  }

  private perSubscription<T>(kind: string, Client: SubscriptionClientClass<T>, tenantId: string, subscriptionId: string): T {
    const key = `${kind}|${tenantId}|${subscriptionId}`;
    let client = this.built.get(key) as T | undefined;
    if (client === undefined) {
      client = new Client(this.access.credentialForTenant(tenantId), subscriptionId, this.options);
      this.built.set(key, client);
    }
    return client;
  }
}

export interface ArmClientOptions {
  endpoint: string;
  tlsOptions?: { ca: string };
  additionalPolicies: { policy: PipelinePolicy; position: 'perCall' }[];
}

/** Options for every SDK client that reads from Resource Manager: the endpoint, a test CA, and ARM's error details kept. */
export function armClientOptions(endpoint: string, caPem?: string): ArmClientOptions {
  const options: ArmClientOptions = { endpoint, additionalPolicies: [{ policy: keepErrorDetailsPolicy, position: 'perCall' }] };
  return caPem === undefined ? options : { ...options, tlsOptions: { ca: caPem } };
}

/**
 * The paging helpers of the modular SDKs throw "Pagination failed with unexpected statusCode 403"
 * and drop the parsed error body; only the response headers survive into the RestError. This
 * copies ARM's error message and target into a header that `toArmProblem` reads.
 */
export const keepErrorDetailsPolicy: PipelinePolicy = {
  name: 'trafficLensKeepErrorDetails',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status >= 400 && response.bodyAsText) {
      try {
        const body = JSON.parse(response.bodyAsText) as { error?: { code?: unknown; message?: unknown; target?: unknown } };
        if (body.error && typeof body.error.message === 'string') {
          response.headers.set(errorDetailsHeader, JSON.stringify({ code: body.error.code, message: body.error.message, target: body.error.target }));
        }
      } catch {
        // Not JSON (a proxy's HTML page): the status and code are all there is.
      }
    }
    return response;
  },
};
