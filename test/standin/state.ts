import { randomUUID } from 'node:crypto';
import type { ComputeCatalog } from './computeCatalog';

export type JsonObject = Record<string, unknown>;

/** A resource as ARM stores and returns it; `properties` holds the resource provider's fields. */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  etag?: string;
  properties: JsonObject;
  [extra: string]: unknown;
}

export interface TenantRecord {
  tenantId: string;
  displayName: string;
  defaultDomain: string;
  domains: string[];
  countryCode: string;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  state: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
  tags: Record<string, string>;
  /** Namespaces registered for this subscription, lower-cased. */
  registeredProviders: Set<string>;
  /** Enrolment in the virtual network TAP preview, and regions beyond the published list it reaches. */
  tapPreview: { enrolled: boolean; extraRegions: Set<string> };
  /** VM sizes, quotas and images Microsoft.Compute offers it; absent, the default catalogue. */
  compute?: ComputeCatalog;
}

export interface ResourceGroupRecord {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
}

export interface StorageKey {
  keyName: string;
  permissions: 'Full' | 'Read';
  value: string;
  creationTime: string;
}

/** Lower-cases an ARM id and drops a trailing slash: ARM compares ids case-insensitively. */
export function idKey(id: string): string {
  return id.replace(/\/+$/, '').toLowerCase();
}

export function newEtag(): string {
  return `W/"${randomUUID()}"`;
}

/** The in-memory content of the stand-in: tenants, subscriptions, resource groups and resources. */
export class ArmState {
  readonly tenants = new Map<string, TenantRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly resourceGroups = new Map<string, ResourceGroupRecord>();
  readonly storageKeys = new Map<string, StorageKey[]>();
  /** Microsoft Entra service principals by object id (lower case): managed identities the stand-in created, and users of topologies. */
  readonly principals = new Map<string, { principalId: string; tenantId: string; principalType: 'ServicePrincipal' | 'User' | 'Group'; createdAt: number }>();
  private readonly byType = new Map<string, Map<string, ArmResource>>();

  subscription(subscriptionId: string): SubscriptionRecord | undefined {
    return this.subscriptions.get(subscriptionId.toLowerCase());
  }

  resourceGroup(subscriptionId: string, resourceGroupName: string): ResourceGroupRecord | undefined {
    return this.resourceGroups.get(idKey(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`));
  }

  get(id: string): ArmResource | undefined {
    const key = idKey(id);
    for (const table of this.byType.values()) {
      const found = table.get(key);
      if (found) {
        return found;
      }
    }
    return undefined;
  }

  getTyped(type: string, id: string): ArmResource | undefined {
    return this.byType.get(type.toLowerCase())?.get(idKey(id));
  }

  put(resource: ArmResource): void {
    const typeKey = resource.type.toLowerCase();
    let table = this.byType.get(typeKey);
    if (!table) {
      table = new Map();
      this.byType.set(typeKey, table);
    }
    table.set(idKey(resource.id), resource);
  }

  /** Removes a resource and everything below it (a watcher's flow logs, a VNet's subnets). */
  delete(id: string): ArmResource | undefined {
    const key = idKey(id);
    let removed: ArmResource | undefined;
    for (const table of this.byType.values()) {
      const found = table.get(key);
      if (found) {
        removed = found;
        table.delete(key);
      }
      for (const childKey of [...table.keys()]) {
        if (childKey.startsWith(`${key}/`)) {
          table.delete(childKey);
        }
      }
    }
    return removed;
  }

  /** Resources of one type whose id starts with `scopeId` (a subscription, group or parent), in creation order. */
  list(type: string, scopeId?: string): ArmResource[] {
    const table = this.byType.get(type.toLowerCase());
    if (!table) {
      return [];
    }
    if (scopeId === undefined) {
      return [...table.values()];
    }
    const prefix = `${idKey(scopeId)}/`;
    const found: ArmResource[] = [];
    for (const [key, resource] of table) {
      if (key.startsWith(prefix)) {
        found.push(resource);
      }
    }
    return found;
  }

  count(type: string): number {
    return this.byType.get(type.toLowerCase())?.size ?? 0;
  }
}

/** Reads `value.id` from a `{ id }` reference, if present. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as JsonObject).id === 'string') {
    return (value as JsonObject).id as string;
  }
  return undefined;
}

export function asObject(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
