import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiFamily } from '../apiVersions';
import { definitionIn, familyFolder, resolveRef, specificationRoot, type DefinitionRef, type Schema } from './definitions';

/**
 * What a stand-in route's bodies must look like at one api-version: the request body's definition
 * and each success status's response definition. Read from the `paths` of the vendored
 * specification files (the operation whose path matches the route's template, parameter names
 * aside); for files vendored as excerpts (definitions only), from `excerptContracts` below, which
 * names the same definitions the operation's `paths` entry names in the full file.
 */
export interface RouteContract {
  /** The operation id, e.g. `VirtualNetworkTaps_CreateOrUpdate` (from the excerpt table: ours). */
  operationId: string;
  request?: DefinitionRef;
  responses: Record<number, DefinitionRef>;
}

interface Operation {
  operationId?: string;
  parameters?: Array<{ in?: string; schema?: Schema }>;
  responses?: Record<string, { schema?: Schema }>;
}

/** `METHOD /path/{}/…` in lower case: route templates and Swagger paths differ only in parameter names. */
export function contractKey(method: string, template: string): string {
  return `${method.toUpperCase()} ${template.replace(/\{[^}]+\}/g, '{}').toLowerCase()}`;
}

const byFolder = new Map<string, Map<string, RouteContract>>();

function fromPaths(family: ApiFamily, apiVersion: string): Map<string, RouteContract> {
  const folder = familyFolder(family, apiVersion);
  const cached = byFolder.get(folder);
  if (cached) {
    return cached;
  }
  const found = new Map<string, RouteContract>();
  const absolute = join(specificationRoot, folder);
  const files = existsSync(absolute) ? readdirSync(absolute).filter((name) => name.endsWith('.json')) : [];
  for (const name of files) {
    const file = `${folder}/${name}`;
    const spec = JSON.parse(readFileSync(join(absolute, name), 'utf8')) as { paths?: Record<string, Record<string, Operation>> };
    for (const [path, methods] of Object.entries(spec.paths ?? {})) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) {
          continue;
        }
        const bodyRef = operation.parameters?.find((parameter) => parameter.in === 'body')?.schema?.$ref;
        const responses: Record<number, DefinitionRef> = {};
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          if (!/^\d+$/.test(status) || Number(status) >= 300) {
            continue;
          }
          const ref = response.schema?.$ref;
          const itemsRef = response.schema?.type === 'array' ? (response.schema.items as Schema | undefined)?.$ref : undefined;
          if (typeof ref === 'string') {
            responses[Number(status)] = resolveRef(file, ref);
          } else if (typeof itemsRef === 'string') {
            responses[Number(status)] = { ...resolveRef(file, itemsRef), array: true };
          }
        }
        found.set(contractKey(method, path), {
          operationId: operationIdOf(operation, method, path),
          request: typeof bodyRef === 'string' ? resolveRef(file, bodyRef) : undefined,
          responses,
        });
      }
    }
  }
  byFolder.set(folder, found);
  return found;
}

function operationIdOf(operation: Operation, method: string, path: string): string {
  return operation.operationId ?? `${method.toUpperCase()} ${path}`;
}

/**
 * Operations of the specifications vendored as excerpts: `[request, { status: response }]`
 * definition names, as the full file's `paths` declare them for that operation.
 */
const excerptContracts: Partial<Record<ApiFamily, Record<string, { operationId: string; request?: string; responses: Record<number, string> }>>> = {
  // virtualWan.json is vendored as an excerpt; these are the operations its `paths` declare (at c32f85eb…).
  network: {
    'GET /subscriptions/{}/providers/microsoft.network/virtualwans': { operationId: 'VirtualWans_List', responses: { 200: 'virtualWan.json#ListVirtualWANsResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualwans': { operationId: 'VirtualWans_ListByResourceGroup', responses: { 200: 'virtualWan.json#ListVirtualWANsResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualwans/{}': { operationId: 'VirtualWans_Get', responses: { 200: 'virtualWan.json#VirtualWAN' } },
    'GET /subscriptions/{}/providers/microsoft.network/virtualhubs': { operationId: 'VirtualHubs_List', responses: { 200: 'virtualWan.json#ListVirtualHubsResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualhubs': { operationId: 'VirtualHubs_ListByResourceGroup', responses: { 200: 'virtualWan.json#ListVirtualHubsResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualhubs/{}': { operationId: 'VirtualHubs_Get', responses: { 200: 'virtualWan.json#VirtualHub' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualhubs/{}/hubvirtualnetworkconnections': {
      operationId: 'HubVirtualNetworkConnections_List',
      responses: { 200: 'virtualWan.json#ListHubVirtualNetworkConnectionsResult' },
    },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualhubs/{}/hubvirtualnetworkconnections/{}': {
      operationId: 'HubVirtualNetworkConnections_Get',
      responses: { 200: 'virtualWan.json#HubVirtualNetworkConnection' },
    },
    'PUT /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualhubs/{}/hubvirtualnetworkconnections/{}': {
      operationId: 'HubVirtualNetworkConnections_CreateOrUpdate',
      request: 'virtualWan.json#HubVirtualNetworkConnection',
      responses: { 200: 'virtualWan.json#HubVirtualNetworkConnection', 201: 'virtualWan.json#HubVirtualNetworkConnection' },
    },
    'DELETE /subscriptions/{}/resourcegroups/{}/providers/microsoft.network/virtualhubs/{}/hubvirtualnetworkconnections/{}': { operationId: 'HubVirtualNetworkConnections_Delete', responses: {} },
  },
  compute: {
    'GET /subscriptions/{}/providers/microsoft.compute/virtualmachines': { operationId: 'VirtualMachines_ListAll', responses: { 200: 'ComputeRP.json#VirtualMachineListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines': { operationId: 'VirtualMachines_List', responses: { 200: 'ComputeRP.json#VirtualMachineListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}': { operationId: 'VirtualMachines_Get', responses: { 200: 'ComputeRP.json#VirtualMachine' } },
    'PUT /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}': {
      operationId: 'VirtualMachines_CreateOrUpdate',
      request: 'ComputeRP.json#VirtualMachine',
      responses: { 200: 'ComputeRP.json#VirtualMachine', 201: 'ComputeRP.json#VirtualMachine' },
    },
    'GET /subscriptions/{}/providers/microsoft.compute/availabilitysets': { operationId: 'AvailabilitySets_ListBySubscription', responses: { 200: 'ComputeRP.json#AvailabilitySetListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/availabilitysets': { operationId: 'AvailabilitySets_List', responses: { 200: 'ComputeRP.json#AvailabilitySetListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/availabilitysets/{}': { operationId: 'AvailabilitySets_Get', responses: { 200: 'ComputeRP.json#AvailabilitySet' } },
    'PUT /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/availabilitysets/{}': {
      operationId: 'AvailabilitySets_CreateOrUpdate',
      request: 'ComputeRP.json#AvailabilitySet',
      responses: { 200: 'ComputeRP.json#AvailabilitySet' },
    },
    // The list operations' 200 schema is an inline array of VirtualMachineImageResource (`[]`).
    'GET /subscriptions/{}/providers/microsoft.compute/locations/{}/publishers': { operationId: 'VirtualMachineImages_ListPublishers', responses: { 200: 'ComputeRP.json#VirtualMachineImageResource[]' } },
    'GET /subscriptions/{}/providers/microsoft.compute/locations/{}/publishers/{}/artifacttypes/vmimage/offers': { operationId: 'VirtualMachineImages_ListOffers', responses: { 200: 'ComputeRP.json#VirtualMachineImageResource[]' } },
    'GET /subscriptions/{}/providers/microsoft.compute/locations/{}/publishers/{}/artifacttypes/vmimage/offers/{}/skus': { operationId: 'VirtualMachineImages_ListSkus', responses: { 200: 'ComputeRP.json#VirtualMachineImageResource[]' } },
    'GET /subscriptions/{}/providers/microsoft.compute/locations/{}/publishers/{}/artifacttypes/vmimage/offers/{}/skus/{}/versions': { operationId: 'VirtualMachineImages_List', responses: { 200: 'ComputeRP.json#VirtualMachineImageResource[]' } },
    'GET /subscriptions/{}/providers/microsoft.compute/locations/{}/publishers/{}/artifacttypes/vmimage/offers/{}/skus/{}/versions/{}': { operationId: 'VirtualMachineImages_Get', responses: { 200: 'ComputeRP.json#VirtualMachineImage' } },
    'GET /subscriptions/{}/providers/microsoft.compute/locations/{}/usages': { operationId: 'Usage_List', responses: { 200: 'ComputeRP.json#ListUsagesResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/instanceview': { operationId: 'VirtualMachines_InstanceView', responses: { 200: 'ComputeRP.json#VirtualMachineInstanceView' } },
    'POST /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/deallocate': { operationId: 'VirtualMachines_Deallocate', responses: {} },
    'POST /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/start': { operationId: 'VirtualMachines_Start', responses: {} },
    'POST /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/runcommand': { operationId: 'VirtualMachines_RunCommand', request: 'ComputeRP.json#RunCommandInput', responses: { 200: 'ComputeRP.json#RunCommandResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/extensions': { operationId: 'VirtualMachineExtensions_List', responses: { 200: 'ComputeRP.json#VirtualMachineExtensionsListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/extensions/{}': { operationId: 'VirtualMachineExtensions_Get', responses: { 200: 'ComputeRP.json#VirtualMachineExtension' } },
    'PUT /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/extensions/{}': {
      operationId: 'VirtualMachineExtensions_CreateOrUpdate',
      request: 'ComputeRP.json#VirtualMachineExtension',
      responses: { 200: 'ComputeRP.json#VirtualMachineExtension', 201: 'ComputeRP.json#VirtualMachineExtension' },
    },
    'DELETE /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/extensions/{}': { operationId: 'VirtualMachineExtensions_Delete', responses: {} },
  },
  // `/{scope}/providers/Microsoft.Authorization/roleAssignments…` in the definitions, at the three scopes the stand-in serves.
  authorization: {
    'GET /subscriptions/{}/providers/microsoft.authorization/roledefinitions/{}': { operationId: 'RoleDefinitions_Get', responses: { 200: 'authorization-RoleDefinitionsCalls.json#RoleDefinition' } },
    'PUT /subscriptions/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Create', request: 'authorization-RoleAssignmentsCalls.json#RoleAssignmentCreateParameters', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment', 201: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'GET /subscriptions/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Get', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'DELETE /subscriptions/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Delete', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'GET /subscriptions/{}/providers/microsoft.authorization/roleassignments': { operationId: 'RoleAssignments_ListForScope', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignmentListResult' } },
    'PUT /subscriptions/{}/resourcegroups/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Create', request: 'authorization-RoleAssignmentsCalls.json#RoleAssignmentCreateParameters', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment', 201: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Get', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'DELETE /subscriptions/{}/resourcegroups/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Delete', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.authorization/roleassignments': { operationId: 'RoleAssignments_ListForScope', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignmentListResult' } },
    'PUT /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Create', request: 'authorization-RoleAssignmentsCalls.json#RoleAssignmentCreateParameters', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment', 201: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Get', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'DELETE /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}/providers/microsoft.authorization/roleassignments/{}': { operationId: 'RoleAssignments_Delete', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignment' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}/providers/microsoft.authorization/roleassignments': { operationId: 'RoleAssignments_ListForScope', responses: { 200: 'authorization-RoleAssignmentsCalls.json#RoleAssignmentListResult' } },
  },
  storage: {
    'GET /subscriptions/{}/providers/microsoft.storage/storageaccounts': { operationId: 'StorageAccounts_List', responses: { 200: 'openapi.json#StorageAccountListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts': { operationId: 'StorageAccounts_ListByResourceGroup', responses: { 200: 'openapi.json#StorageAccountListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}': { operationId: 'StorageAccounts_GetProperties', responses: { 200: 'openapi.json#StorageAccount' } },
    'PUT /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}': {
      operationId: 'StorageAccounts_Create',
      request: 'openapi.json#StorageAccountCreateParameters',
      responses: { 200: 'openapi.json#StorageAccount' },
    },
    'DELETE /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}': { operationId: 'StorageAccounts_Delete', responses: {} },
    'POST /subscriptions/{}/providers/microsoft.storage/checknameavailability': {
      operationId: 'StorageAccounts_CheckNameAvailability',
      request: 'openapi.json#StorageAccountCheckNameAvailabilityParameters',
      responses: { 200: 'openapi.json#CheckNameAvailabilityResult' },
    },
    'POST /subscriptions/{}/resourcegroups/{}/providers/microsoft.storage/storageaccounts/{}/listkeys': { operationId: 'StorageAccounts_ListKeys', responses: { 200: 'openapi.json#StorageAccountListKeysResult' } },
  },
  resources: {
    'GET /subscriptions/{}/resourcegroups': { operationId: 'ResourceGroups_List', responses: { 200: 'resources.json#ResourceGroupListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}': { operationId: 'ResourceGroups_Get', responses: { 200: 'resources.json#ResourceGroup' } },
    'PUT /subscriptions/{}/resourcegroups/{}': { operationId: 'ResourceGroups_CreateOrUpdate', request: 'resources.json#ResourceGroup', responses: { 200: 'resources.json#ResourceGroup', 201: 'resources.json#ResourceGroup' } },
    'GET /subscriptions/{}/providers': { operationId: 'Providers_List', responses: { 200: 'resources.json#ProviderListResult' } },
    'GET /subscriptions/{}/providers/{}': { operationId: 'Providers_Get', responses: { 200: 'resources.json#Provider' } },
    'POST /subscriptions/{}/providers/{}/register': { operationId: 'Providers_Register', responses: { 200: 'resources.json#Provider' } },
    'POST /subscriptions/{}/providers/{}/unregister': { operationId: 'Providers_Unregister', responses: { 200: 'resources.json#Provider' } },
  },
  subscriptions: {
    'GET /subscriptions': { operationId: 'Subscriptions_List', responses: { 200: 'subscriptions.json#SubscriptionListResult' } },
    'GET /subscriptions/{}': { operationId: 'Subscriptions_Get', responses: { 200: 'subscriptions.json#Subscription' } },
    'GET /tenants': { operationId: 'Tenants_List', responses: { 200: 'subscriptions.json#TenantListResult' } },
  },
  operationalinsights: {
    'GET /subscriptions/{}/providers/microsoft.operationalinsights/workspaces': { operationId: 'Workspaces_List', responses: { 200: 'Workspaces.json#WorkspaceListResult' } },
    'GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.operationalinsights/workspaces': { operationId: 'Workspaces_ListByResourceGroup', responses: { 200: 'Workspaces.json#WorkspaceListResult' } },
  },
  resourcegraph: {
    'POST /providers/microsoft.resourcegraph/resources': { operationId: 'Resources', request: 'resourcegraph.json#QueryRequest', responses: { 200: 'resourcegraph.json#QueryResponse' } },
  },
};

/** The contract of `method template` at `apiVersion`, or undefined when no vendored operation matches. */
export function contractFor(family: ApiFamily, apiVersion: string, method: string, template: string): RouteContract | undefined {
  const key = contractKey(method, template);
  const excerpt = excerptContracts[family]?.[key];
  if (excerpt) {
    const responses: Record<number, DefinitionRef> = {};
    for (const [status, reference] of Object.entries(excerpt.responses)) {
      responses[Number(status)] = definitionIn(family, apiVersion, reference);
    }
    return { operationId: excerpt.operationId, request: excerpt.request ? definitionIn(family, apiVersion, excerpt.request) : undefined, responses };
  }
  return fromPaths(family, apiVersion).get(key);
}
