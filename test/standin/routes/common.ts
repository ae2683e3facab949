import { randomUUID } from 'node:crypto';
import { ArmError, childNotFound, resourceGroupNotFound, resourceNotFound, subscriptionNotFound } from '../armErrors';
import type { Reply, RequestContext } from '../http';
import type { Operation } from '../operations';
import { newEtag, type ArmResource, type JsonObject, type ResourceGroupRecord, type SubscriptionRecord } from '../state';

/** How a resource looks when returned: children and back-references are computed on every read. */
const composers = new Map<string, (resource: ArmResource, context: RequestContext) => ArmResource>();

export function registerComposer(type: string, compose: (resource: ArmResource, context: RequestContext) => ArmResource): void {
  composers.set(type.toLowerCase(), compose);
}

export function view(resource: ArmResource, context: RequestContext): ArmResource {
  const copy = structuredClone(resource);
  const compose = composers.get(resource.type.toLowerCase());
  return compose ? compose(copy, context) : copy;
}

export function requireSubscription(context: RequestContext): SubscriptionRecord {
  const subscription = context.core.state.subscription(context.params.subscriptionId);
  if (!subscription) {
    throw subscriptionNotFound(context.params.subscriptionId);
  }
  return subscription;
}

export function requireResourceGroup(context: RequestContext): ResourceGroupRecord {
  const subscription = requireSubscription(context);
  const group = context.core.state.resourceGroup(subscription.subscriptionId, context.params.resourceGroupName);
  if (!group) {
    throw resourceGroupNotFound(context.params.resourceGroupName);
  }
  return group;
}

/** A top-level resource named by the route, e.g. `virtualNetworks/{virtualNetworkName}`. */
export function requireTop(context: RequestContext, type: string, nameParam: string): ArmResource {
  const group = requireResourceGroup(context);
  const [namespace, collection] = splitType(type);
  const name = context.params[nameParam];
  const found = context.core.state.getTyped(type, `${group.id}/providers/${namespace}/${collection}/${name}`);
  if (!found) {
    throw resourceNotFound(type, name, context.params.resourceGroupName);
  }
  return found;
}

/** A child resource under `parent`, e.g. `subnets/{subnetName}`; a missing child is the provider's `NotFound`. */
export function requireChild(context: RequestContext, parent: ArmResource, type: string, nameParam: string): ArmResource {
  const id = childId(parent, type, context.params[nameParam]);
  const found = context.core.state.getTyped(type, id);
  if (!found) {
    throw childNotFound(id);
  }
  return found;
}

export function findChild(context: RequestContext, parent: ArmResource, type: string, nameParam: string): ArmResource | undefined {
  return context.core.state.getTyped(type, childId(parent, type, context.params[nameParam]));
}

export function childId(parent: ArmResource, type: string, name: string): string {
  const segment = type.split('/').at(-1) ?? type;
  return `${parent.id}/${segment}/${name}`;
}

export function topId(group: ResourceGroupRecord, type: string, name: string): string {
  const [namespace, collection] = splitType(type);
  return `${group.id}/providers/${namespace}/${collection}/${name}`;
}

function splitType(type: string): [string, string] {
  const [namespace, ...rest] = type.split('/');
  return [namespace, rest.join('/')];
}

/**
 * One page of a list. `$skiptoken` carries the offset; `nextLink` repeats the query, as ARM's
 * continuation links do, and is absent on the last page.
 */
export function page(context: RequestContext, items: ArmResource[], pageable = true): Reply {
  if (!pageable) {
    return { status: 200, body: { value: items.map((item) => view(item, context)) } };
  }
  const offset = Math.max(0, Number.parseInt(context.query.get('$skiptoken') ?? '0', 10) || 0);
  const size = context.core.pageSize;
  const slice = items.slice(offset, offset + size);
  const body: JsonObject = { value: slice.map((item) => view(item, context)) };
  if (offset + size < items.length) {
    const query = new URLSearchParams(context.query);
    query.set('$skiptoken', String(offset + size));
    body.nextLink = `${context.core.baseUrl}${encodePath(context.path)}?${query.toString()}`;
  }
  return { status: 200, body };
}

export function encodePath(path: string): string {
  return path.split('/').map((part) => encodeURIComponent(part)).join('/');
}

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** The location segment ARM uses in polling URLs: the resource's region, else its group's. */
export function operationLocation(resource: ArmResource, context: RequestContext): string {
  if (resource.location) {
    return resource.location;
  }
  const group = context.core.state.resourceGroup(context.params.subscriptionId, context.params.resourceGroupName);
  return group?.location ?? 'global';
}

function pollingUrls(context: RequestContext, operation: Operation, location: string): { asyncOperation: string; location: string } {
  const base = `${context.core.baseUrl}/subscriptions/${context.params.subscriptionId}/providers/Microsoft.Network/locations/${location}`;
  const query = `api-version=${context.apiVersion}`;
  return {
    asyncOperation: `${base}/operations/${operation.id}?${query}`,
    location: `${base}/operationResults/${operation.id}?${query}`,
  };
}

function retryAfter(context: RequestContext): Record<string, string> {
  return context.core.lroRetryAfterSeconds === undefined ? {} : { 'Retry-After': String(context.core.lroRetryAfterSeconds) };
}

/**
 * A long-running create or update with `final-state-via: azure-async-operation`: the resource is
 * stored at once with `provisioningState: "Updating"`, answered 201 (200 if it existed) with an
 * `Azure-AsyncOperation` URL, and becomes `Succeeded` (or `Failed`) when the operation ends.
 */
/**
 * Refuses a write while another long-running operation holds the same virtual network, as the
 * network provider does: 409 `AnotherOperationInProgress`, naming the operation's status URL.
 */
export function requireIdle(context: RequestContext, vnetId: string): void {
  const holder = context.core.busy.get(vnetId.toLowerCase());
  if (holder && holder.status === 'InProgress') {
    const urls = pollingUrls(context, holder, operationLocation({ id: vnetId, name: '', type: '', properties: {}, location: context.core.state.get(vnetId)?.location }, context));
    throw new ArmError(
      409,
      'AnotherOperationInProgress',
      `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${urls.asyncOperation}.`,
      { details: [] },
    );
  }
}

export function startPut(
  context: RequestContext,
  resource: ArmResource,
  options: { existed: boolean; createdStatus?: number; onSucceeded?: () => void; onFailed?: () => void; holds?: string },
): Reply {
  const { state, faults, operations } = context.core;
  resource.etag = newEtag();
  resource.properties.provisioningState = 'Updating';
  state.put(resource);
  const fault = faults.take('failOperation', context.method, context.path);
  const operation = operations.start({
    failure: fault ? { code: fault.code ?? 'InternalServerError', message: fault.message ?? 'An error occurred.' } : undefined,
    onSucceeded: () => {
      resource.properties.provisioningState = 'Succeeded';
      resource.etag = newEtag();
      options.onSucceeded?.();
    },
    onFailed: () => {
      resource.properties.provisioningState = 'Failed';
      options.onFailed?.();
    },
  });
  if (options.holds) {
    context.core.busy.set(options.holds.toLowerCase(), operation);
  }
  const urls = pollingUrls(context, operation, operationLocation(resource, context));
  return {
    status: options.existed ? 200 : (options.createdStatus ?? 201),
    body: view(resource, context),
    headers: { 'Azure-AsyncOperation': urls.asyncOperation, ...retryAfter(context) },
  };
}

/**
 * A long-running delete with `final-state-via: location`: 202 with `Location` (and
 * `Azure-AsyncOperation`); the resource goes when the operation ends. Deleting what does not exist
 * answers 204, as the network resource provider does.
 */
export function startDelete(context: RequestContext, resource: ArmResource | undefined, onDeleted?: () => void, holds?: string): Reply {
  if (!resource) {
    return { status: 204 };
  }
  const { state, faults, operations } = context.core;
  const previousState = resource.properties.provisioningState;
  resource.properties.provisioningState = 'Deleting';
  const fault = faults.take('failOperation', context.method, context.path);
  const operation = operations.start({
    failure: fault ? { code: fault.code ?? 'InternalServerError', message: fault.message ?? 'An error occurred.' } : undefined,
    onSucceeded: () => {
      state.delete(resource.id);
      onDeleted?.();
    },
    onFailed: () => {
      resource.properties.provisioningState = previousState ?? 'Failed';
    },
  });
  if (holds) {
    context.core.busy.set(holds.toLowerCase(), operation);
  }
  const urls = pollingUrls(context, operation, operationLocation(resource, context));
  return {
    status: 202,
    headers: { Location: urls.location, 'Azure-AsyncOperation': urls.asyncOperation, ...retryAfter(context) },
  };
}

/** The request body's `properties`, or a 400 naming what is missing. */
export function bodyProperties(context: RequestContext): JsonObject {
  const properties = context.body.properties;
  if (properties === undefined) {
    return {};
  }
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) {
    throw new ArmError(400, 'InvalidRequestFormat', 'Cannot parse the request: "properties" must be an object.', { details: [] });
  }
  return properties as JsonObject;
}

export function requireString(properties: JsonObject, path: string, resourceId: string): string {
  const value = path.split('.').reduce<unknown>((current, key) => (current && typeof current === 'object' ? (current as JsonObject)[key] : undefined), properties);
  if (typeof value !== 'string' || value === '') {
    throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request. Property '${path}' of resource ${resourceId} is required.`, { details: [] });
  }
  return value;
}

export function newGuid(): string {
  return randomUUID();
}
