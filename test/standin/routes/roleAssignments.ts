import { ArmError, resourceNotFound } from '../armErrors';
import type { Reply, RequestContext, Route } from '../http';
import { asObject, idKey, type ArmResource, type JsonObject } from '../state';
import { types } from '../types';
import { requireResourceGroup, requireSubscription } from './common';

interface BuiltInRole {
  roleName: string;
  description: string;
  actions: string[];
  dataActions: string[];
}

/**
 * Built-in roles the stand-in knows, with the ids, descriptions and permissions of
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (the storage roles'
 * entries under "Storage"; Reader and Network Contributor keep their wildcard actions).
 */
export const builtInRoles: Record<string, BuiltInRole> = {
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': {
    roleName: 'Storage Blob Data Reader',
    description: 'Allows for read access to Azure Storage blob containers and data',
    actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
    dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
  },
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': {
    roleName: 'Storage Blob Data Contributor',
    description: 'Allows for read, write and delete access to Azure Storage blob containers and data',
    actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/delete', 'Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/containers/write', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
    dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete', 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write', 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action', 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'],
  },
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': { roleName: 'Reader', description: 'View all resources, but does not allow you to make any changes.', actions: ['*/read'], dataActions: [] },
  '4d97b98b-1d4f-4787-a291-c67834d212e7': { roleName: 'Network Contributor', description: 'Lets you manage networks, but not access to them.', actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Network/*', 'Microsoft.ResourceHealth/availabilityStatuses/read', 'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Support/*'], dataActions: [] },
};

/**
 * How long a new principal is not yet visible to Azure RBAC: a role assignment for it without
 * `principalType` gets `PrincipalNotFound` ("…this error might be related to a replication delay.
 * In this case, set the role assignment principalType property…",
 * https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---assigning-a-role-to-a-new-principal-sometimes-fails).
 */
export const principalReplicationMs = 10_000;

const base = { family: 'authorization', resourceType: 'roleAssignments' } as const;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The scope a route names: the subscription, a resource group, or a storage account (what the extension assigns roles on). */
function requireScope(context: RequestContext): string {
  const subscription = requireSubscription(context);
  if (context.params.resourceGroupName === undefined) {
    return `/subscriptions/${subscription.subscriptionId}`;
  }
  const group = requireResourceGroup(context);
  if (context.params.accountName === undefined) {
    return group.id;
  }
  const account = context.core.state.getTyped(types.storageAccount, `${group.id}/providers/Microsoft.Storage/storageAccounts/${context.params.accountName}`);
  if (!account) {
    throw resourceNotFound(types.storageAccount, context.params.accountName, group.name);
  }
  return account.id;
}

function assignmentsAt(context: RequestContext, scope: string): ArmResource[] {
  return context.core.state.list(types.roleAssignment, `/subscriptions/${context.params.subscriptionId}`)
    .filter((assignment) => idKey(String(assignment.properties.scope)) === idKey(scope));
}

function roleDefinitionGuid(roleDefinitionId: string): string | undefined {
  const match = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(roleDefinitionId);
  return match?.[1].toLowerCase();
}

/**
 * RoleAssignments_Create: the name is a GUID (`InvalidRoleAssignmentId`); the role is a known role
 * definition (`RoleDefinitionDoesNotExist`); the principal exists in the subscription's tenant and
 * is replicated, unless `principalType` is given (`PrincipalNotFound`, see principalReplicationMs);
 * one assignment per principal, role and scope (409 `RoleAssignmentExists`,
 * https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-already-exists);
 * an existing assignment's principal, role and scope cannot change (`RoleAssignmentUpdateNotPermitted`).
 */
function putAssignment(context: RequestContext): Reply {
  const { state } = context.core;
  const scope = requireScope(context);
  const subscription = requireSubscription(context);
  const name = context.params.roleAssignmentName;
  if (!guid.test(name)) {
    throw new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  }
  const properties = asObject(context.body.properties);
  const roleDefinitionId = String(properties.roleDefinitionId ?? '');
  const roleGuid = roleDefinitionGuid(roleDefinitionId);
  if (!roleGuid || builtInRoles[roleGuid] === undefined) {
    throw new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid ?? roleDefinitionId}' does not exist.`);
  }
  const principalId = String(properties.principalId ?? '').toLowerCase();
  const principal = state.principals.get(principalId);
  const replicating = principal !== undefined && Date.now() - principal.createdAt < principalReplicationMs;
  if (!principal || principal.tenantId.toLowerCase() !== subscription.tenantId.toLowerCase() || (replicating && properties.principalType === undefined)) {
    throw new ArmError(400, 'PrincipalNotFound', `Principal ${String(properties.principalId).replace(/-/g, '')} does not exist in the directory ${subscription.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
  }
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const existing = state.getTyped(types.roleAssignment, id);
  if (existing) {
    const same = idKey(String(existing.properties.principalId)) === principalId && roleDefinitionGuid(String(existing.properties.roleDefinitionId)) === roleGuid;
    if (!same) {
      throw new ArmError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
  }
  const duplicate = assignmentsAt(context, scope).find((assignment) => idKey(assignment.id) !== idKey(id)
    && idKey(String(assignment.properties.principalId)) === principalId
    && roleDefinitionGuid(String(assignment.properties.roleDefinitionId)) === roleGuid);
  if (duplicate) {
    throw new ArmError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
  }
  const now = new Date().toISOString();
  const assignment: ArmResource = {
    id,
    name,
    type: types.roleAssignment,
    properties: {
      roleDefinitionId: `/subscriptions/${subscription.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      principalId: String(properties.principalId),
      principalType: properties.principalType ?? principal.principalType,
      scope,
      ...(typeof properties.description === 'string' ? { description: properties.description } : {}),
      ...(typeof properties.condition === 'string' ? { condition: properties.condition, conditionVersion: properties.conditionVersion ?? '2.0' } : {}),
      createdOn: existing?.properties.createdOn ?? now,
      updatedOn: now,
      createdBy: existing?.properties.createdBy ?? context.claims.oid,
      updatedBy: context.claims.oid,
    },
  };
  state.put(assignment);
  return { status: existing ? 200 : 201, body: structuredClone(assignment) };
}

function requireAssignment(context: RequestContext): ArmResource | undefined {
  const scope = requireScope(context);
  return context.core.state.getTyped(types.roleAssignment, `${scope}/providers/Microsoft.Authorization/roleAssignments/${context.params.roleAssignmentName}`);
}

/** RoleAssignments_ListForScope: `$filter=principalId eq '…'` or `atScope()`; assignments at the scope and above it. */
function listAssignments(context: RequestContext): Reply {
  const scope = requireScope(context);
  const filter = context.query.get('$filter') ?? '';
  const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
  const value = context.core.state.list(types.roleAssignment, `/subscriptions/${context.params.subscriptionId}`)
    .filter((assignment) => idKey(scope).startsWith(idKey(String(assignment.properties.scope))))
    .filter((assignment) => principal === undefined || idKey(String(assignment.properties.principalId)) === principal)
    .map((assignment) => structuredClone(assignment) as JsonObject);
  return { status: 200, body: { value } };
}

const scopes = [
  '/subscriptions/{subscriptionId}',
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}',
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}',
];

export const roleAssignmentRoutes: Route[] = scopes.flatMap((scope) => [
  { ...base, method: 'PUT' as const, template: `${scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}`, handle: putAssignment },
  {
    ...base,
    method: 'GET' as const,
    template: `${scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}`,
    handle: (context: RequestContext): Reply => {
      const assignment = requireAssignment(context);
      if (!assignment) {
        throw new ArmError(404, 'RoleAssignmentNotFound', 'The role assignment does not exist.');
      }
      return { status: 200, body: structuredClone(assignment) };
    },
  },
  {
    ...base,
    method: 'DELETE' as const,
    template: `${scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}`,
    handle: (context: RequestContext): Reply => {
      const assignment = requireAssignment(context);
      if (!assignment) {
        return { status: 204 };
      }
      context.core.state.delete(assignment.id);
      return { status: 200, body: structuredClone(assignment) };
    },
  },
  { ...base, method: 'GET' as const, template: `${scope}/providers/Microsoft.Authorization/roleAssignments`, handle: listAssignments },
]);

/** RoleDefinitions_Get at a subscription: a built-in role, else 404 `RoleDefinitionDoesNotExist`. */
roleAssignmentRoutes.push({
  family: 'authorization',
  resourceType: 'roleDefinitions',
  method: 'GET',
  template: '/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}',
  handle: (context) => {
    const subscription = requireSubscription(context);
    const roleGuid = context.params.roleDefinitionId.toLowerCase();
    const role = builtInRoles[roleGuid];
    if (!role) {
      throw new ArmError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${context.params.roleDefinitionId}' does not exist.`);
    }
    return {
      status: 200,
      body: {
        id: `/subscriptions/${subscription.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
        name: roleGuid,
        type: 'Microsoft.Authorization/roleDefinitions',
        properties: {
          roleName: role.roleName,
          description: role.description,
          type: 'BuiltInRole',
          permissions: [{ actions: role.actions, notActions: [], dataActions: role.dataActions, notDataActions: [] }],
          assignableScopes: ['/'],
        },
      },
    };
  },
});
