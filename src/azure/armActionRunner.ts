import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { undoStepOf, type PlanAction } from '../core/plan';
import type { ActionResult, ActionRunner } from './actionRunner';
import { armWritePacer, type WritePacer } from './writePacer';
import { extensionScopeOf, idKey, nameOf, resourceGroupOf, resourceTypeOf, subscriptionOf } from './armIds';
import { toArmProblem } from './armProblem';
import { sleep } from './bounded';
import { keepErrorDetailsPolicy } from './armClients';

export interface ArmActionRunnerOptions {
  /** Resource Manager URL, e.g. `https://management.azure.com` (a `SignedInAccount` has it). */
  resourceManagerEndpoint: string;
  /** A credential for one tenant (a `SignedInAccount` has it). */
  credentialForTenant(tenantId: string): TokenCredential;
  /** Extra CA certificates (PEM), for tests that start the stand-in in-process. */
  caPem?: string;
  /** The scope auxiliary tokens are asked for (default: the endpoint plus `/.default`). */
  armScope?: string;
  /** Poll interval of long-running operations; only tests and the bench shorten the SDK's default. */
  updateIntervalInMs?: number;
  /** Retries of the SDK's own retry policies (429 with Retry-After, 5xx, network errors). */
  maxRetries?: number;
  /** How long a provider registration may take before the action fails (default 5 minutes). */
  registrationTimeoutMs?: number;
  /** Wait between reads of a registering provider (default 5 s). */
  registrationPollMs?: number;
  /** Paces this runner's writes in `applyPlan` (default: ARM's documented limits); told what ARM's rate-limit headers say. */
  pacer?: WritePacer;
  /** How long a role assignment keeps being tried while Azure answers `PrincipalNotFound` (default 3 minutes). */
  principalWaitMs?: number;
  /** Wait between those tries (default 10 s). */
  principalPollMs?: number;
}

/** Role assignments (`{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}`) get their own handling in `put`. */
const roleAssignmentType = 'microsoft.authorization/roleassignments';

/** Thrown for an action the runner cannot send; `code` reaches the report through `toArmProblem`. */
export class UnsupportedActionError extends Error {
  readonly code = 'UnsupportedAction';
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedActionError';
  }
}

/** Carries extra query parameters from the call site to `extraQueryPolicy` (the generic SDK calls take none). */
const extraQueryHeader = 'x-traffic-lens-extra-query';

/**
 * Sends plan actions with the official SDKs: generic PUT/DELETE/GET by id on
 * `@azure/arm-resources` (with the action's api-version, the SDK's pollers and retries), resource
 * groups and provider registrations on their typed operations, VM power operations on
 * `@azure/arm-compute`, stopping a packet capture on `@azure/arm-network`.
 */
export class ArmActionRunner implements ActionRunner {
  private readonly clients = new Map<string, { resources: ResourceManagementClient; compute: ComputeManagementClient; network: NetworkManagementClient }>();
  /** One pacer for every plan this runner sends: ARM's buckets do not reset between plans. */
  readonly pacer: WritePacer;

  constructor(private readonly options: ArmActionRunnerOptions) {
    this.pacer = options.pacer ?? armWritePacer();
  }

  async run(action: PlanAction, signal: AbortSignal): Promise<ActionResult | void> {
    if ((action.bodyFrom ?? []).length > 0) {
      // applyPlan fills these in from earlier actions; sending the body without them would write half a resource.
      throw Object.assign(new Error(`"${action.title}" still needs ${action.bodyFrom!.map((reference) => reference.describe).join(', ')}; apply it as part of its plan.`), { code: 'UnresolvedReference' });
    }
    switch (action.kind) {
      case 'put':
        return resourceTypeOf(action.resourceId) === roleAssignmentType ? this.putRoleAssignment(action, action.body ?? {}, signal) : { resource: await this.put(action, action.body ?? {}, signal) };
      case 'delete':
        return this.delete(action, signal);
      case 'post':
        return this.post(action, action.operation, signal);
      default:
        throw new UnsupportedActionError(`Unknown action kind '${String((action as { kind: unknown }).kind)}' for ${action.resourceId}.`);
    }
  }

  async undo(action: PlanAction, signal: AbortSignal): Promise<void> {
    const step = undoStepOf(action);
    switch (step?.kind) {
      case 'delete':
        return this.delete(action, signal);
      case 'put':
        await this.put(action, step.body, signal);
        return;
      case 'post':
        return this.post(action, step.operation, signal);
      default:
        throw new UnsupportedActionError(`"${action.title}" cannot be undone: ${step.reason}`);
    }
  }

  async read(action: PlanAction, signal: AbortSignal): Promise<Record<string, unknown>> {
    const { resources } = this.clientsFor(action);
    if (isResourceGroup(action)) {
      return { ...(await resources.resourceGroups.get(nameOf(action.resourceId), { abortSignal: signal })) };
    }
    return { ...(await resources.resources.getById(byIdPath(action.resourceId), action.apiVersion, { abortSignal: signal })) };
  }

  async exists(action: PlanAction, signal: AbortSignal): Promise<boolean> {
    const { resources } = this.clientsFor(action);
    if (isResourceGroup(action)) {
      return (await resources.resourceGroups.checkExistence(nameOf(action.resourceId), { abortSignal: signal })).body;
    }
    try {
      await resources.resources.getById(byIdPath(action.resourceId), action.apiVersion, { abortSignal: signal });
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        return false;
      }
      throw error;
    }
  }

  /** Creates or updates the resource and returns it as read back afterwards. */
  private async put(action: PlanAction, body: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
    const { resources } = this.clientsFor(action);
    if (isResourceGroup(action)) {
      await resources.resourceGroups.createOrUpdate(nameOf(action.resourceId), { location: String(body.location ?? ''), tags: body.tags as Record<string, string> | undefined }, { abortSignal: signal });
      const group = await resources.resourceGroups.get(nameOf(action.resourceId), { abortSignal: signal });
      assertSucceeded(action, group.properties?.provisioningState);
      return { ...group };
    }
    const headers = action.query && Object.keys(action.query).length > 0 ? { [extraQueryHeader]: new URLSearchParams(action.query).toString() } : undefined;
    await resources.resources.createOrUpdateById(byIdPath(action.resourceId), action.apiVersion, body, {
      abortSignal: signal,
      updateIntervalInMs: this.options.updateIntervalInMs,
      requestOptions: headers ? { headers } : undefined,
    });
    // The poller only says the operation ended; the resource's own provisioningState says it is usable.
    const created = await resources.resources.getById(byIdPath(action.resourceId), action.apiVersion, { abortSignal: signal });
    assertSucceeded(action, (created.properties as { provisioningState?: string } | undefined)?.provisioningState);
    return { ...created };
  }

  /**
   * A role assignment: a new managed identity may not have replicated to Microsoft Entra ID yet, so
   * `PrincipalNotFound` is tried again for a bounded time (principalType avoids most of the delay:
   * https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal).
   * `RoleAssignmentExists` (409: the same principal already has the role at the scope under another
   * name, https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-already-exists)
   * means it is already granted: the action is kept, naming that assignment.
   */
  private async putRoleAssignment(action: PlanAction, body: Record<string, unknown>, signal: AbortSignal): Promise<ActionResult> {
    const started = Date.now();
    const wait = this.options.principalWaitMs ?? 3 * 60_000;
    const poll = this.options.principalPollMs ?? 10_000;
    for (;;) {
      try {
        return { resource: await this.put(action, body, signal) };
      } catch (error) {
        const problem = toArmProblem(error);
        if (problem.code === 'RoleAssignmentExists') {
          return this.existingAssignment(action, body, signal);
        }
        if (problem.code !== 'PrincipalNotFound' || signal.aborted) {
          throw error;
        }
        const waited = Date.now() - started;
        if (waited + poll > wait) {
          const principalId = String((body.properties as { principalId?: unknown } | undefined)?.principalId ?? '');
          throw Object.assign(
            new Error(
              `Microsoft Entra ID still doesn't know principal ${principalId} after ${Math.round(waited / 1000)} s, so ${nameOf(action.resourceId)} could not be created. A new managed identity can take a few minutes to replicate: use Retry Remaining later. (Azure: ${problem.message})`,
            ),
            { code: 'PrincipalNotFound' },
          );
        }
        await sleep(poll, signal);
      }
    }
  }

  /** The assignment that already grants the role to the principal at the scope, found by listing the principal's assignments there. */
  private async existingAssignment(action: PlanAction, body: Record<string, unknown>, signal: AbortSignal): Promise<ActionResult> {
    const properties = (body.properties ?? {}) as { principalId?: unknown; roleDefinitionId?: unknown };
    const principalId = String(properties.principalId ?? '');
    const roleGuid = nameOf(String(properties.roleDefinitionId ?? '')).toLowerCase();
    const scope = extensionScopeOf(action.resourceId) ?? '';
    type Listed = { id?: string; name?: string; properties?: { scope?: string; roleDefinitionId?: string } };
    let found: Listed | undefined;
    try {
      // RoleAssignments_ListForScope is a GET on the scope's roleAssignments collection; the generic
      // by-id read sends it, and the list comes from the raw answer (the generic model holds one resource).
      let listed: Listed[] = [];
      const { resources } = this.clientsFor(action);
      await resources.resources.getById(byIdPath(`${scope}/providers/Microsoft.Authorization/roleAssignments`), action.apiVersion, {
        abortSignal: signal,
        requestOptions: { headers: { [extraQueryHeader]: new URLSearchParams({ $filter: `principalId eq '${principalId}'` }).toString() } },
        onResponse: (response) => {
          listed = ((response.parsedBody ?? JSON.parse(response.bodyAsText ?? '{}')) as { value?: Listed[] }).value ?? [];
        },
      });
      found = listed.find((assignment) => idKey(assignment.properties?.scope ?? '') === idKey(scope) && nameOf(assignment.properties?.roleDefinitionId ?? '').toLowerCase() === roleGuid);
    } catch (error) {
      if (signal.aborted) {
        throw error;
      }
    }
    const which = found?.name ? `role assignment ${found.name}` : 'another role assignment';
    return { alreadyInPlace: `Already granted by ${which} (Azure answered RoleAssignmentExists); it was not created by this plan, so Undo leaves it.`, ...(found ? { resource: { ...found } } : {}) };
  }

  private async delete(action: PlanAction, signal: AbortSignal): Promise<void> {
    const { resources } = this.clientsFor(action);
    if (isResourceGroup(action)) {
      await resources.resourceGroups.delete(nameOf(action.resourceId), { abortSignal: signal, updateIntervalInMs: this.options.updateIntervalInMs });
      return;
    }
    await resources.resources.deleteById(byIdPath(action.resourceId), action.apiVersion, { abortSignal: signal, updateIntervalInMs: this.options.updateIntervalInMs });
  }

  private async post(action: PlanAction, operation: string | undefined, signal: AbortSignal): Promise<void> {
    const { resources, compute, network } = this.clientsFor(action);
    const type = action.resourceType.toLowerCase();
    const poll = { abortSignal: signal, updateIntervalInMs: this.options.updateIntervalInMs };
    if (type === 'microsoft.resources/providers' && operation === 'register') {
      return this.register(resources, nameOf(action.resourceId), signal);
    }
    if (type === 'microsoft.compute/virtualmachines' && (operation === 'deallocate' || operation === 'start')) {
      const group = resourceGroupOf(action.resourceId);
      const name = nameOf(action.resourceId);
      await (operation === 'deallocate' ? compute.virtualMachines.deallocate(group, name, poll) : compute.virtualMachines.start(group, name, poll));
      return;
    }
    if (type === 'microsoft.network/networkwatchers/packetcaptures' && operation === 'stop') {
      const parts = action.resourceId.split('/');
      const watcher = parts[parts.findIndex((part) => part.toLowerCase() === 'networkwatchers') + 1];
      await network.packetCaptures.stop(resourceGroupOf(action.resourceId), watcher, nameOf(action.resourceId), poll);
      return;
    }
    throw new UnsupportedActionError(`Operation '${operation ?? '(none)'}' on ${action.resourceType} is not supported (${action.resourceId}).`);
  }

  /** Registration is asynchronous: ARM answers `Registering` and the provider reads `Registered` later. */
  private async register(resources: ResourceManagementClient, namespace: string, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    let provider = await resources.providers.register(namespace, { abortSignal: signal });
    const timeout = this.options.registrationTimeoutMs ?? 5 * 60_000;
    const interval = this.options.registrationPollMs ?? this.options.updateIntervalInMs ?? 5000;
    while (provider.registrationState?.toLowerCase() !== 'registered') {
      if (Date.now() - started > timeout) {
        throw Object.assign(new Error(`Registering ${namespace} did not finish within ${Math.round(timeout / 1000)} s (it reads '${provider.registrationState ?? 'unknown'}'). Check the subscription's resource providers in the portal and try again.`), { code: 'RegistrationTimedOut' });
      }
      await sleep(interval, signal);
      provider = await resources.providers.get(namespace, { abortSignal: signal });
    }
  }

  private clientsFor(action: PlanAction): { resources: ResourceManagementClient; compute: ComputeManagementClient; network: NetworkManagementClient } {
    const subscriptionId = subscriptionOf(action.resourceId);
    const auxiliary = [...(action.auxiliaryTenantIds ?? [])].sort();
    const key = `${action.tenantId}|${subscriptionId}|${auxiliary.join(',')}`;
    let clients = this.clients.get(key);
    if (clients === undefined) {
      const credential = this.options.credentialForTenant(action.tenantId);
      const options = this.clientOptions(auxiliary);
      clients = {
        resources: new ResourceManagementClient(credential, subscriptionId, options),
        compute: new ComputeManagementClient(credential, subscriptionId, options),
        network: new NetworkManagementClient(credential, subscriptionId, options),
      };
      this.clients.set(key, clients);
    }
    return clients;
  }

  private clientOptions(auxiliaryTenantIds: string[]): {
    endpoint: string;
    tlsOptions?: { ca: string };
    retryOptions?: { maxRetries: number };
    additionalPolicies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[];
  } {
    const policies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[] = [
      { policy: extraQueryPolicy, position: 'perCall' },
      { policy: keepErrorDetailsPolicy, position: 'perCall' },
      { policy: rateLimitHeadersPolicy(this.pacer), position: 'perRetry' },
    ];
    if (auxiliaryTenantIds.length > 0) {
      const scope = this.options.armScope ?? `${this.options.resourceManagerEndpoint.replace(/\/+$/, '')}/.default`;
      policies.push({ policy: auxiliaryTokensPolicy(auxiliaryTenantIds.map((tenantId) => this.options.credentialForTenant(tenantId)), scope), position: 'perRetry' });
    }
    return {
      endpoint: this.options.resourceManagerEndpoint,
      additionalPolicies: policies,
      ...(this.options.caPem === undefined ? {} : { tlsOptions: { ca: this.options.caPem } }),
      ...(this.options.maxRetries === undefined ? {} : { retryOptions: { maxRetries: this.options.maxRetries } }),
    };
  }
}

/**
 * Cross-tenant writes (peering a VNet in another tenant) carry the other tenants' tokens:
 * `x-ms-authorization-auxiliary: Bearer <token1>, Bearer <token2>` (at most three).
 * https://learn.microsoft.com/azure/azure-resource-manager/management/authenticate-multi-tenant
 */
export function auxiliaryTokensPolicy(credentials: TokenCredential[], scope: string): PipelinePolicy {
  return {
    name: 'trafficLensAuxiliaryTokens',
    async sendRequest(request, next) {
      const tokens = await Promise.all(credentials.map((credential) => credential.getToken(scope, { abortSignal: request.abortSignal })));
      const values = tokens.flatMap((token) => (token ? [`Bearer ${token.token}`] : []));
      if (values.length > 0) {
        request.headers.set('x-ms-authorization-auxiliary', values.join(', '));
      }
      return next(request);
    },
  };
}

/** Passes ARM's `x-ms-ratelimit-remaining-subscription-writes` / `…-deletes` of every answer to the pacer. */
export function rateLimitHeadersPolicy(pacer: WritePacer): PipelinePolicy {
  return {
    name: 'trafficLensRateLimitHeaders',
    async sendRequest(request, next) {
      const response = await next(request);
      if (pacer.observeRemaining) {
        const subscriptionId = /\/subscriptions\/([^/?]+)/i.exec(new URL(request.url).pathname)?.[1];
        const writes = response.headers.get('x-ms-ratelimit-remaining-subscription-writes');
        const deletes = response.headers.get('x-ms-ratelimit-remaining-subscription-deletes');
        if (subscriptionId && writes !== undefined) {
          pacer.observeRemaining(subscriptionId, 'write', Number(writes));
        }
        if (subscriptionId && deletes !== undefined) {
          pacer.observeRemaining(subscriptionId, 'delete', Number(deletes));
        }
      }
      return response;
    },
  };
}

/** Moves the query parameters a call put in `extraQueryHeader` into the URL. */
const extraQueryPolicy: PipelinePolicy = {
  name: 'trafficLensExtraQuery',
  sendRequest(request, next) {
    const extra = request.headers.get(extraQueryHeader);
    if (extra !== undefined) {
      request.headers.delete(extraQueryHeader);
      const url = new URL(request.url);
      for (const [name, value] of new URLSearchParams(extra)) {
        url.searchParams.set(name, value);
      }
      request.url = url.toString();
    }
    return next(request);
  },
};

function isResourceGroup(action: PlanAction): boolean {
  return action.resourceType.toLowerCase() === 'microsoft.resources/resourcegroups';
}

/** The generic by-id operations expand `/{+resourceId}`: the id goes in without its leading slash. */
function byIdPath(resourceId: string): string {
  return resourceId.replace(/^\/+/, '');
}

function assertSucceeded(action: PlanAction, provisioningState: string | undefined): void {
  if (provisioningState !== undefined && provisioningState.toLowerCase() !== 'succeeded') {
    throw Object.assign(new Error(`${action.title}: Azure accepted the request but ${nameOf(action.resourceId)} reads provisioningState '${provisioningState}'.`), {
      code: provisioningState.toLowerCase() === 'failed' ? 'ProvisioningFailed' : 'ProvisioningNotFinished',
    });
  }
}
