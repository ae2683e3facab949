import { randomBytes } from 'node:crypto';
import { ArmError, invalidRequest } from '../armErrors';
import type { Reply, RequestContext, Route } from '../http';
import { asObject, idKey, type ArmResource, type ArmState } from '../state';
import { types } from '../types';
import { page, requireResourceGroup, requireSubscription, requireTop, topId, view } from './common';
import { groupPath, subscriptionPath } from './paths';

const base = { family: 'storage', resourceType: 'storageAccounts', namespace: 'Microsoft.Storage' } as const;

/** Storage account names: 3-24 characters, digits and lower-case letters only, unique across Azure. */
function nameProblem(name: string): string | undefined {
  return /^[a-z0-9]{3,24}$/.test(name) ? undefined : `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`;
}

/** Any account anywhere (every subscription of every tenant) with this name: names are global. */
function accountNamed(state: ArmState, name: string): ArmResource | undefined {
  return state.list(types.storageAccount).find((account) => account.name.toLowerCase() === name.toLowerCase());
}

function operationUrl(context: RequestContext, location: string, operationId: string): string {
  return `${context.core.baseUrl}/subscriptions/${context.params.subscriptionId}/providers/Microsoft.Storage/locations/${location}/asyncoperations/${operationId}?monitor=true&api-version=${context.apiVersion}`;
}

const allowedSkus = ['Standard_LRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_ZRS', 'Premium_LRS', 'Premium_ZRS', 'Standard_GZRS', 'Standard_RAGZRS'];
const allowedKinds = ['Storage', 'StorageV2', 'BlobStorage', 'FileStorage', 'BlockBlobStorage'];

/**
 * StorageAccounts_Create: long-running with 202 + `Location` (no body) for a new account; polling
 * that URL answers 202 until the account is ready, then 200 with the account. A PUT on an account
 * that exists updates it and answers 200 with the account.
 */
function createAccount(context: RequestContext): Reply {
  const { state, operations, faults } = context.core;
  const group = requireResourceGroup(context);
  const name = context.params.accountName;
  const invalid = nameProblem(name);
  if (invalid) {
    throw invalidRequest('AccountNameInvalid', invalid);
  }
  const id = topId(group, types.storageAccount, name);
  const existing = state.getTyped(types.storageAccount, id);
  const taken = accountNamed(state, name);
  if (taken && idKey(taken.id) !== idKey(id)) {
    throw new ArmError(409, 'StorageAccountAlreadyTaken', `The storage account named ${name} is already taken.`);
  }
  const location = context.body.location;
  if (typeof location !== 'string' || location === '') {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const sku = asObject(context.body.sku).name;
  if (typeof sku !== 'string' || !allowedSkus.includes(sku)) {
    throw invalidRequest('InvalidRequestContent', `The value of parameter sku.name is invalid: '${String(sku)}'.`);
  }
  const kind = context.body.kind;
  if (typeof kind !== 'string' || !allowedKinds.includes(kind)) {
    throw invalidRequest('InvalidRequestContent', `The value of parameter kind is invalid: '${String(kind)}'.`);
  }
  if (existing && (existing.location ?? '').toLowerCase() !== location.toLowerCase()) {
    throw new ArmError(409, 'InvalidResourceLocation', `The resource '${name}' already exists in location '${existing.location}' in resource group '${group.name}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`);
  }
  const requested = asObject(context.body.properties);
  const endpoint = (service: string) => `https://${name}.${service}.core.windows.net/`;
  const created = new Date().toISOString();
  const resource: ArmResource = {
    id: existing?.id ?? id,
    name: existing?.name ?? name,
    type: types.storageAccount,
    location,
    kind,
    sku: { name: sku, tier: sku.startsWith('Premium') ? 'Premium' : 'Standard' },
    tags: (context.body.tags as Record<string, string> | undefined) ?? existing?.tags ?? {},
    properties: {
      ...(existing?.properties ?? {
        creationTime: created,
        primaryEndpoints: { blob: endpoint('blob'), queue: endpoint('queue'), table: endpoint('table'), file: endpoint('file'), web: endpoint('web'), dfs: endpoint('dfs') },
        primaryLocation: location,
        statusOfPrimary: 'available',
        encryption: { services: { blob: { keyType: 'Account', enabled: true, lastEnabledTime: created }, file: { keyType: 'Account', enabled: true, lastEnabledTime: created } }, keySource: 'Microsoft.Storage' },
        keyCreationTime: { key1: created, key2: created },
        networkAcls: { bypass: 'AzureServices', virtualNetworkRules: [], ipRules: [], defaultAction: 'Allow' },
        accessTier: 'Hot',
        supportsHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        isHnsEnabled: false,
      }),
      ...requested,
      provisioningState: existing ? 'Succeeded' : 'Creating',
    },
  };
  state.put(resource);
  if (existing) {
    return { status: 200, body: view(resource, context) };
  }
  state.storageKeys.set(idKey(resource.id), ['key1', 'key2'].map((keyName) => ({ keyName, permissions: 'Full' as const, value: randomBytes(64).toString('base64'), creationTime: created })));
  const fault = faults.take('failOperation', context.method, context.path);
  const operation = operations.start({
    failure: fault ? { code: fault.code ?? 'InternalServerError', message: fault.message ?? 'An error occurred.' } : undefined,
    onSucceeded: () => {
      resource.properties.provisioningState = 'Succeeded';
    },
    onFailed: () => {
      state.delete(resource.id);
      state.storageKeys.delete(idKey(resource.id));
    },
  });
  storageOperations.set(operation.id, resource.id);
  return { status: 202, headers: { Location: operationUrl(context, location, operation.id), 'Retry-After': '0' } };
}

/** Operation id → the account it creates, for the polling answer. */
const storageOperations = new Map<string, string>();

/**
 * A premium account, which Network Watcher writes neither flow logs nor packet captures to: a premium
 * SKU (tier or name), or a kind that exists only as premium (FileStorage, BlockBlobStorage).
 */
export function isPremiumStorage(account: ArmResource): boolean {
  const sku = asObject(account.sku);
  return String(sku.tier ?? '').toLowerCase() === 'premium' || String(sku.name ?? '').toLowerCase().startsWith('premium') || ['filestorage', 'blockblobstorage'].includes(String(account.kind ?? '').toLowerCase());
}

export const storageAccountRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.Storage/storageAccounts`,
    handle: (context) => page(context, context.core.state.list(types.storageAccount, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts`,
    handle: (context) => page(context, context.core.state.list(types.storageAccount, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts/{accountName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.storageAccount, 'accountName'), context) }),
  },
  {
    ...base,
    method: 'PUT',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts/{accountName}`,
    handle: createAccount,
  },
  {
    ...base,
    method: 'DELETE',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts/{accountName}`,
    // StorageAccounts_Delete is not long-running: 200 when deleted, 204 when there was nothing.
    handle: (context) => {
      const group = requireResourceGroup(context);
      const id = topId(group, types.storageAccount, context.params.accountName);
      const deleted = context.core.state.delete(id);
      context.core.state.storageKeys.delete(idKey(id));
      return { status: deleted ? 200 : 204 };
    },
  },
  {
    ...base,
    method: 'POST',
    template: `${subscriptionPath}/providers/Microsoft.Storage/checkNameAvailability`,
    resourceType: 'checkNameAvailability',
    handle: (context) => {
      requireSubscription(context);
      const name = context.body.name;
      if (typeof name !== 'string') {
        throw invalidRequest('InvalidRequestContent', "The request content was invalid: property 'name' is required.");
      }
      if (context.body.type !== types.storageAccount) {
        throw invalidRequest('InvalidRequestContent', `The resource type '${String(context.body.type)}' is not supported: use ${types.storageAccount}.`);
      }
      const invalid = nameProblem(name);
      if (invalid) {
        return { status: 200, body: { nameAvailable: false, reason: 'AccountNameInvalid', message: invalid } };
      }
      if (accountNamed(context.core.state, name)) {
        return { status: 200, body: { nameAvailable: false, reason: 'AlreadyExists', message: `The storage account named ${name} is already taken.` } };
      }
      return { status: 200, body: { nameAvailable: true } };
    },
  },
  {
    ...base,
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.Storage/locations/{location}/asyncoperations/{operationId}`,
    resourceType: 'locations/asyncoperations',
    handle: (context) => {
      requireSubscription(context);
      const operation = context.core.operations.poll(context.params.operationId);
      const accountId = storageOperations.get(context.params.operationId) ?? storageOperations.get(context.params.operationId.toLowerCase());
      if (!operation || !accountId) {
        throw new ArmError(404, 'NotFound', `Operation ${context.params.operationId} was not found.`);
      }
      if (operation.status === 'InProgress') {
        return { status: 202, headers: { Location: `${context.core.baseUrl}${context.path}?monitor=true&api-version=${context.apiVersion}`, 'Retry-After': '0' } };
      }
      if (operation.status === 'Failed') {
        throw new ArmError(operation.failure?.code === 'InternalServerError' ? 500 : 400, operation.failure?.code ?? 'InternalServerError', operation.failure?.message ?? 'The operation failed.');
      }
      const account = context.core.state.getTyped(types.storageAccount, accountId);
      return account ? { status: 200, body: view(account, context) } : { status: 204 };
    },
  },
  {
    ...base,
    method: 'POST',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts/{accountName}/listKeys`,
    handle: (context) => {
      const account = requireTop(context, types.storageAccount, 'accountName');
      const keys = context.core.state.storageKeys.get(account.id.toLowerCase()) ?? [];
      return { status: 200, body: { keys } };
    },
  },
];
