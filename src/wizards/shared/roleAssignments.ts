/**
 * Role assignments as plan actions: granting a principal (a VM's managed identity, say) a built-in
 * role on a scope (a storage account) is a `put` of `{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}`.
 * The name is derived from the scope, the principal and the role, so applying the plan again targets
 * the same assignment. Pure: no `vscode` import here.
 */
import { createHash } from 'node:crypto';
import type { PlanAction } from '../../core/plan';
import { authorizationApiVersion } from './apiVersions';

/**
 * Storage Blob Data Reader: read blob containers and blobs (what a flow-log collector needs).
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-blob-data-reader
 */
export const storageBlobDataReaderRoleId = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
export const storageBlobDataReaderRoleName = 'Storage Blob Data Reader';

export const roleAssignmentType = 'Microsoft.Authorization/roleAssignments';

/**
 * Who gets the role: a principal known when planning, or one an earlier action of the plan produces
 * (`{ fromAction: vmAction, property: 'identity.principalId', describe: "the principal of vm-collector's managed identity" }`).
 */
export type RolePrincipal = { principalId: string } | { fromAction: PlanAction; property: string; describe: string };

export interface RoleAssignmentRequest {
  /** The action's id within the plan. */
  id: string;
  /** The ARM id of the resource (or resource group, subscription) the role is granted on. */
  scopeId: string;
  /** The built-in role's GUID, e.g. `storageBlobDataReaderRoleId`. */
  roleDefinitionGuid: string;
  principal: RolePrincipal;
  /**
   * The principal's kind. Setting it lets Azure accept a managed identity that has not replicated yet:
   * https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal
   */
  principalType: 'ServicePrincipal' | 'User' | 'Group';
  tenantId: string;
  /** "Let vm-collector read flow logs in stflowlogs (Storage Blob Data Reader)". */
  title: string;
  /** Actions that must run first (creating the scope, say); a principal's `fromAction` is added when missing. */
  dependsOn: string[];
  /** `same` when the principal already has the role there under this name. */
  existing: PlanAction['existing'];
  /** Shown with the assignment in the portal. */
  description?: string;
}

/** ARM's `guid()` namespace: `guid(a, b, c)` is the version-5 UUID of `a-b-c` in it. */
const armGuidNamespace = '11fb06fb-712d-4ddd-98c7-e71bbd588830';

/**
 * A name-based (version 5, RFC 4122 §4.3) UUID of the parts joined with `-`, as ARM's and Bicep's
 * `guid()` makes it: the same parts always give the same GUID.
 */
export function deterministicGuid(...parts: string[]): string {
  const namespace = Buffer.from(armGuidNamespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(Buffer.from(parts.join('-'), 'utf8')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The assignment's name: `guid(scope, principal, role)` over lower-cased ids, where the principal is
 * its object id or, for one the plan creates, the id of the resource whose identity it is (the
 * principal id is not known before Apply, and a re-run of the plan must target the same name).
 */
export function roleAssignmentName(scopeId: string, principal: RolePrincipal, roleDefinitionGuid: string): string {
  const who = 'principalId' in principal ? principal.principalId : `${principal.fromAction.resourceId}/${principal.property}`;
  return deterministicGuid(scopeId.toLowerCase(), who.toLowerCase(), roleDefinitionGuid.toLowerCase());
}

/** `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}` for the scope's subscription. */
export function roleDefinitionId(scopeId: string, roleDefinitionGuid: string): string {
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scopeId)?.[1];
  if (subscriptionId === undefined) {
    throw new Error(`The scope of a role assignment must be an ARM id under a subscription, not '${scopeId}'.`);
  }
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid.toLowerCase()}`;
}

/**
 * The `put` that grants the role (RoleAssignments_Create at 2022-04-01). Undo deletes it; Apply
 * treats `RoleAssignmentExists` (the principal already has the role there under another name) as
 * already in place, and tries `PrincipalNotFound` again for a while (a new identity replicating).
 */
export function roleAssignmentAction(request: RoleAssignmentRequest): PlanAction {
  const { principal } = request;
  const name = roleAssignmentName(request.scopeId, principal, request.roleDefinitionGuid);
  const fromAction = 'principalId' in principal ? undefined : principal.fromAction;
  const properties: Record<string, unknown> = {
    roleDefinitionId: roleDefinitionId(request.scopeId, request.roleDefinitionGuid),
    ...(fromAction === undefined ? { principalId: (principal as { principalId: string }).principalId } : {}),
    principalType: request.principalType,
    ...(request.description === undefined ? {} : { description: request.description }),
  };
  const dependsOn = fromAction === undefined || request.dependsOn.includes(fromAction.id) ? request.dependsOn : [...request.dependsOn, fromAction.id];
  return {
    id: request.id,
    kind: 'put',
    title: request.title,
    resourceId: `${request.scopeId.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    resourceType: roleAssignmentType,
    apiVersion: authorizationApiVersion,
    body: { properties },
    ...(fromAction === undefined
      ? {}
      : { bodyFrom: [{ path: 'properties.principalId', fromAction: fromAction.id, property: (principal as { property: string }).property, describe: (principal as { describe: string }).describe }] }),
    dependsOn,
    tenantId: request.tenantId,
    existing: request.existing,
  };
}
