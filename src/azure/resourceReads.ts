/**
 * Whether a resource exists, read by its id with the generic `@azure/arm-resources` call at the
 * api-version its type is written with: for resources no typed SDK of this extension reads, such
 * as a role assignment a plan names in advance. One instance per signed-in account.
 */
import { subscriptionOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';
import { toArmProblem } from './armProblem';

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
}
