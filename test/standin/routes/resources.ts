import { apiVersions } from '../apiVersions';
import { ArmError } from '../armErrors';
import type { Reply, RequestContext, Route } from '../http';
import type { SubscriptionRecord } from '../state';
import { requireResourceGroup, requireSubscription } from './common';
import { groupPath, subscriptionPath } from './paths';

/** Resource types each known provider offers, as `Providers_Get` lists them. */
const providerTypes: Record<string, { namespace: string; types: Array<{ resourceType: string; apiVersions: readonly string[] }> }> = {
  'microsoft.network': {
    namespace: 'Microsoft.Network',
    types: ['virtualNetworks', 'networkInterfaces', 'networkSecurityGroups', 'networkWatchers', 'networkWatchers/flowLogs', 'networkWatchers/packetCaptures', 'virtualNetworkTaps', 'loadBalancers', 'locations/operations', 'locations/operationResults']
      .map((resourceType) => ({ resourceType, apiVersions: apiVersions.network })),
  },
  'microsoft.insights': {
    namespace: 'Microsoft.Insights',
    types: [
      { resourceType: 'diagnosticSettings', apiVersions: ['2021-05-01-preview', '2017-05-01-preview'] },
      { resourceType: 'metrics', apiVersions: ['2024-02-01', '2023-10-01', '2018-01-01'] },
    ],
  },
  'microsoft.storage': {
    namespace: 'Microsoft.Storage',
    types: [{ resourceType: 'storageAccounts', apiVersions: apiVersions.storage }],
  },
  'microsoft.compute': {
    namespace: 'Microsoft.Compute',
    types: [{ resourceType: 'virtualMachines', apiVersions: apiVersions.compute }],
  },
  'microsoft.operationalinsights': {
    namespace: 'Microsoft.OperationalInsights',
    types: [{ resourceType: 'workspaces', apiVersions: ['2025-07-01', '2025-02-01', '2023-09-01'] }],
  },
};

const locations = ['East US', 'East US 2', 'West US 2', 'West Europe', 'North Europe', 'UK South', 'Germany West Central'];

function subscriptionBody(subscription: SubscriptionRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscription.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    tags: subscription.tags,
    subscriptionId: subscription.subscriptionId,
    tenantId: subscription.tenantId,
    displayName: subscription.displayName,
    state: subscription.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

function providerBody(subscription: SubscriptionRecord, key: string, registrationState?: string): Record<string, unknown> {
  const provider = providerTypes[key];
  return {
    id: `/subscriptions/${subscription.subscriptionId}/providers/${provider.namespace}`,
    namespace: provider.namespace,
    registrationState: registrationState ?? (subscription.registeredProviders.has(key) ? 'Registered' : 'NotRegistered'),
    registrationPolicy: 'RegistrationRequired',
    resourceTypes: provider.types.map((type) => ({
      resourceType: type.resourceType,
      locations,
      apiVersions: [...type.apiVersions],
      locationMappings: [],
      aliases: [],
      capabilities: 'CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, SupportsLocation',
    })),
  };
}

/**
 * Registrations still in flight, per subscription: provider reads that answer `Registering` before
 * `Registered`, and when the registration ends anyway if nobody reads (as operations nobody polls do).
 */
const registering = new WeakMap<SubscriptionRecord, Map<string, { reads: number; until: number }>>();
const registrationMs = 4000;

/** `Registering` while a registration is in flight (counting this read down), else undefined. */
function readRegistrationState(subscription: SubscriptionRecord, key: string): string | undefined {
  const pending = registering.get(subscription)?.get(key);
  if (!isRegistering(subscription, key) || !pending) {
    return undefined;
  }
  pending.reads -= 1;
  return 'Registering';
}

/**
 * Whether `namespace` (lower-cased) is registered and usable: a registration still `Registering`
 * does not count yet, as resource providers refuse requests until it reads `Registered`.
 */
export function isProviderRegistered(subscription: SubscriptionRecord, namespace: string): boolean {
  return subscription.registeredProviders.has(namespace) && !isRegistering(subscription, namespace);
}

function isRegistering(subscription: SubscriptionRecord, key: string): boolean {
  const pending = registering.get(subscription)?.get(key);
  return pending !== undefined && pending.reads > 0 && Date.now() < pending.until;
}

function requireProvider(context: RequestContext): string {
  const key = context.params.resourceProviderNamespace.toLowerCase();
  if (!providerTypes[key]) {
    throw new ArmError(404, 'InvalidResourceNamespace', `The resource namespace '${context.params.resourceProviderNamespace}' is invalid.`);
  }
  return key;
}

function resourceGroupBody(group: { id: string; name: string; location: string; tags: Record<string, string> }): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    tags: group.tags,
    properties: { provisioningState: 'Succeeded' },
  };
}

export const resourceRoutes: Route[] = [
  {
    method: 'GET',
    template: '/subscriptions',
    family: 'subscriptions',
    resourceType: 'subscriptions',
    handle: (context): Reply => {
      const visible = [...context.core.state.subscriptions.values()].filter((subscription) => subscription.tenantId === context.claims.tid);
      return { status: 200, body: { value: visible.map(subscriptionBody) } };
    },
  },
  {
    method: 'GET',
    template: subscriptionPath,
    family: 'subscriptions',
    resourceType: 'subscriptions',
    handle: (context) => ({ status: 200, body: subscriptionBody(requireSubscription(context)) }),
  },
  {
    method: 'GET',
    template: '/tenants',
    family: 'subscriptions',
    resourceType: 'tenants',
    handle: (context) => ({
      status: 200,
      body: {
        value: [...context.core.state.tenants.values()].map((tenant) => ({
          id: `/tenants/${tenant.tenantId}`,
          tenantId: tenant.tenantId,
          tenantCategory: tenant.tenantId === context.claims.tid ? 'Home' : 'ProjectedBy',
          countryCode: tenant.countryCode,
          displayName: tenant.displayName,
          domains: tenant.domains,
          defaultDomain: tenant.defaultDomain,
          tenantType: 'AAD',
        })),
      },
    }),
  },
  {
    method: 'GET',
    template: `${subscriptionPath}/resourcegroups`,
    family: 'resources',
    resourceType: 'resourceGroups',
    handle: (context) => {
      const subscription = requireSubscription(context);
      const prefix = `/subscriptions/${subscription.subscriptionId}/`.toLowerCase();
      const groups = [...context.core.state.resourceGroups.entries()].filter(([key]) => key.startsWith(prefix)).map(([, group]) => resourceGroupBody(group));
      return { status: 200, body: { value: groups } };
    },
  },
  {
    method: 'GET',
    template: groupPath,
    family: 'resources',
    resourceType: 'resourceGroups',
    handle: (context) => ({ status: 200, body: resourceGroupBody(requireResourceGroup(context)) }),
  },
  {
    method: 'PUT',
    template: groupPath,
    family: 'resources',
    resourceType: 'resourceGroups',
    handle: (context) => {
      const subscription = requireSubscription(context);
      const location = context.body.location;
      if (typeof location !== 'string' || location === '') {
        throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
      }
      const existing = context.core.state.resourceGroup(subscription.subscriptionId, context.params.resourceGroupName);
      if (existing && existing.location.toLowerCase() !== location.toLowerCase()) {
        throw new ArmError(409, 'InvalidResourceGroupLocation', `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`);
      }
      const group = existing ?? {
        id: `/subscriptions/${subscription.subscriptionId}/resourceGroups/${context.params.resourceGroupName}`,
        name: context.params.resourceGroupName,
        location,
        tags: {},
      };
      if (context.body.tags && typeof context.body.tags === 'object') {
        group.tags = context.body.tags as Record<string, string>;
      }
      context.core.state.resourceGroups.set(group.id.toLowerCase(), group);
      return { status: existing ? 200 : 201, body: resourceGroupBody(group) };
    },
  },
  {
    // ResourceGroups_Delete: the group goes with every resource in it. Azure may answer 202 and
    // finish later; the definition also allows 200, which the stand-in answers once it is gone.
    method: 'DELETE',
    template: groupPath,
    family: 'resources',
    resourceType: 'resourceGroups',
    handle: (context) => {
      const group = requireResourceGroup(context);
      context.core.state.delete(group.id);
      context.core.state.resourceGroups.delete(group.id.toLowerCase());
      return { status: 200 };
    },
  },
  {
    method: 'GET',
    template: `${subscriptionPath}/providers`,
    family: 'resources',
    resourceType: 'providers',
    handle: (context) => {
      const subscription = requireSubscription(context);
      return { status: 200, body: { value: Object.keys(providerTypes).map((key) => providerBody(subscription, key)) } };
    },
  },
  {
    method: 'GET',
    template: `${subscriptionPath}/providers/{resourceProviderNamespace}`,
    family: 'resources',
    resourceType: 'providers',
    handle: (context) => {
      const subscription = requireSubscription(context);
      const key = requireProvider(context);
      return { status: 200, body: providerBody(subscription, key, readRegistrationState(subscription, key)) };
    },
  },
  {
    method: 'POST',
    template: `${subscriptionPath}/providers/{resourceProviderNamespace}/register`,
    family: 'resources',
    resourceType: 'providers',
    handle: (context) => {
      const subscription = requireSubscription(context);
      const key = requireProvider(context);
      const wasRegistered = subscription.registeredProviders.has(key);
      subscription.registeredProviders.add(key);
      // ARM answers "Registering" and finishes in the background: the next provider read still says
      // Registering, the one after says Registered.
      if (!wasRegistered) {
        const pending = registering.get(subscription) ?? new Map<string, { reads: number; until: number }>();
        pending.set(key, { reads: 1, until: Date.now() + registrationMs });
        registering.set(subscription, pending);
      }
      return { status: 200, body: providerBody(subscription, key, wasRegistered ? 'Registered' : 'Registering') };
    },
  },
  {
    method: 'POST',
    template: `${subscriptionPath}/providers/{resourceProviderNamespace}/unregister`,
    family: 'resources',
    resourceType: 'providers',
    handle: (context) => {
      const subscription = requireSubscription(context);
      const key = requireProvider(context);
      subscription.registeredProviders.delete(key);
      return { status: 200, body: providerBody(subscription, key, 'Unregistering') };
    },
  },
];
