/**
 * Reads the parts of an ARM id as Azure spelled them, for the exporters (Azure CLI script, Bicep)
 * that need names, resource groups and parent resources. Pure; no `vscode` import.
 */

import { extensionScopeOf } from '../../azure/armIds';

/** The parts of `/subscriptions/<s>/resourceGroups/<g>/providers/<ns>/<t1>/<n1>[/<t2>/<n2>…]`. */
export interface ArmPath {
  /**
   * For an extension resource (`<scope>/providers/Microsoft.Authorization/roleAssignments/<guid>`), the
   * id of what it extends; '' otherwise. `namespace`, `types` and `names` then describe the extension.
   */
  scopeId: string;
  subscriptionId: string;
  /** '' for an id above resource group level (a subscription, a provider registration). */
  resourceGroup: string;
  /** `Microsoft.Network`; '' for a resource group id. */
  namespace: string;
  /** Type segments, outermost first: `['networkInterfaces', 'tapConfigurations']`. */
  types: string[];
  /** Name segments matching `types`: `['nic-web-1', 'tap-1']`. */
  names: string[];
}

/** Splits an ARM id; ids of other shapes give empty parts rather than an error. */
export function parseArmPath(id: string): ArmPath {
  const scopeId = extensionScopeOf(id);
  if (scopeId !== undefined) {
    const scope = parseArmPath(scopeId);
    const extension = parseArmPath(id.slice(scopeId.length));
    return { scopeId, subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, namespace: extension.namespace, types: extension.types, names: extension.names };
  }
  const parts = id.split('/').filter((part) => part !== '');
  const path: ArmPath = { scopeId: '', subscriptionId: '', resourceGroup: '', namespace: '', types: [], names: [] };
  let index = 0;
  if (parts[index]?.toLowerCase() === 'subscriptions') {
    path.subscriptionId = parts[index + 1] ?? '';
    index += 2;
  }
  if (parts[index]?.toLowerCase() === 'resourcegroups') {
    path.resourceGroup = parts[index + 1] ?? '';
    index += 2;
  }
  if (parts[index]?.toLowerCase() === 'providers') {
    path.namespace = parts[index + 1] ?? '';
    index += 2;
  }
  for (; index < parts.length; index += 2) {
    path.types.push(parts[index]);
    path.names.push(parts[index + 1] ?? '');
  }
  return path;
}

/** The first eight characters of a subscription GUID, used in file and symbol names. */
export function shortSubscription(subscriptionId: string): string {
  return subscriptionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toLowerCase() || 'sub';
}
