/** Helpers for ARM ids (`/subscriptions/<s>/resourceGroups/<g>/providers/<ns>/<type>/<name>[/<child>/<name>]`). */

/** The lower-cased form used as a key. */
export function idKey(id: string): string {
  return id.toLowerCase();
}

/** The resource group named in an ARM id, as spelled there; '' when there is none. */
export function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
}

/** The last name segment: `…/virtualMachines/vm-web-01` → `vm-web-01`. */
export function nameOf(id: string): string {
  const parts = id.split('/').filter((part) => part !== '');
  return parts[parts.length - 1] ?? id;
}

/** The id of the parent resource: `…/virtualNetworks/v/subnets/s` → `…/virtualNetworks/v`. */
export function parentId(id: string): string {
  return id.split('/').slice(0, -2).join('/');
}

/**
 * The resource type of an id, e.g. `microsoft.network/virtualnetworks/subnets` (lower case); for an
 * extension resource, the type after its last `providers` segment:
 * `…/storageAccounts/st1/providers/Microsoft.Authorization/roleAssignments/<guid>` → `microsoft.authorization/roleassignments`.
 */
export function resourceTypeOf(id: string): string {
  const match = /\/providers\/([^/]+)\/((?:(?!\/providers\/).)+)$/i.exec(id);
  if (!match) {
    return '';
  }
  const segments = match[2].split('/');
  const types = segments.filter((_, index) => index % 2 === 0);
  return `${match[1]}/${types.join('/')}`.toLowerCase();
}

/** The subscription GUID of an id, lower case. */
export function subscriptionOf(id: string): string {
  return (/^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '').toLowerCase();
}

/**
 * The scope an extension resource is written on (`{scope}/providers/{namespace}/{type}/{name}` where
 * the scope is itself a resource): `…/storageAccounts/st1/providers/Microsoft.Authorization/roleAssignments/<guid>`
 * → `…/storageAccounts/st1`. Also a subscription or resource group scope; undefined for an ordinary resource.
 */
export function extensionScopeOf(id: string): string | undefined {
  const parts = id.split('/');
  const index = parts.map((part) => part.toLowerCase()).lastIndexOf('providers');
  if (index < 1) {
    return undefined;
  }
  const scope = parts.slice(0, index).join('/');
  if (/\/providers\//i.test(scope)) {
    return scope;
  }
  // At a subscription or resource group only Microsoft.Authorization's types extend the scope itself.
  return scope !== '' && /^\/providers\/Microsoft\.Authorization\//i.test(id.slice(scope.length)) ? scope : undefined;
}
