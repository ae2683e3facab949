/**
 * Whether a resource exists, read by its id with the generic `@azure/arm-resources` call at the
 * api-version its type is written with: for resources no typed SDK of this extension reads, such
 * as a role assignment a plan names in advance. One instance per signed-in account.
 */
import { subscriptionOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';
import { toArmProblem } from './armProblem';
import type { RawResource } from './computeReads';

export class ResourceReads {
  private readonly clients: ArmClients;

  constructor(account: ArmAccess) {
    this.clients = ArmClients.of(account);
  }

  /** True when `resourceId` exists; false on 404; other failures are thrown. */
  async exists(resourceId: string, tenantId: string, apiVersion: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.clients.resources(tenantId, subscriptionOf(resourceId)).resources.getById(resourceId.replace(/^\/+/, ''), apiVersion, { abortSignal: signal });
      return true;
    } catch (error) {
      if (toArmProblem(error).status === 404) {
        return false;
      }
      throw error;
    }
  }

  /** A resource as ARM returns it at `apiVersion` (read-only fields included): what a read-modify-write PUT and its undo start from. */
  async read(resourceId: string, tenantId: string, apiVersion: string, signal?: AbortSignal): Promise<RawResource> {
    const resource = await this.clients.resources(tenantId, subscriptionOf(resourceId)).resources.getById(resourceId.replace(/^\/+/, ''), apiVersion, { abortSignal: signal });
    return {
      id: resource.id ?? resourceId,
      location: (resource.location ?? '').toLowerCase(),
      ...(resource.tags ? { tags: resource.tags } : {}),
      properties: (resource.properties ?? {}) as Record<string, unknown>,
    };
  }
}
