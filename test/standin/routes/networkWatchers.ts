import { ArmError, invalidRequest } from '../armErrors';
import type { Route } from '../http';
import { newEtag, type ArmResource } from '../state';
import { types } from '../types';
import { page, requireResourceGroup, requireSubscription, requireTop, startDelete, topId, view } from './common';
import { networkPath, networkSubscriptionPath } from './paths';

const base = { family: 'network', resourceType: 'networkWatchers', namespace: 'Microsoft.Network' } as const;

export const networkWatcherRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/networkWatchers`,
    // NetworkWatchers_ListAll declares no paging (nextLinkName: null).
    handle: (context) => page(context, context.core.state.list(types.networkWatcher, `/subscriptions/${requireSubscription(context).subscriptionId}`), false),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/networkWatchers`,
    handle: (context) => page(context, context.core.state.list(types.networkWatcher, requireResourceGroup(context).id), false),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/networkWatchers/{networkWatcherName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.networkWatcher, 'networkWatcherName'), context) }),
  },
  {
    ...base,
    method: 'PUT',
    template: `${networkPath}/networkWatchers/{networkWatcherName}`,
    // Not long-running: NetworkWatchers_CreateOrUpdate answers 201/200 with the final resource.
    handle: (context) => {
      const { state } = context.core;
      const group = requireResourceGroup(context);
      const id = topId(group, types.networkWatcher, context.params.networkWatcherName);
      const existing = state.getTyped(types.networkWatcher, id);
      const location = context.body.location;
      if (typeof location !== 'string' || location === '') {
        throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
      }
      const sameRegion = state
        .list(types.networkWatcher, `/subscriptions/${context.params.subscriptionId}`)
        .find((watcher) => watcher.id.toLowerCase() !== id.toLowerCase() && watcher.location?.toLowerCase() === location.toLowerCase());
      if (sameRegion) {
        throw invalidRequest('NetworkWatcherCountLimitReached', 'Cannot create more than 1 network watchers for this subscription in this region.');
      }
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? context.params.networkWatcherName,
        type: types.networkWatcher,
        location,
        tags: (context.body.tags as Record<string, string> | undefined) ?? {},
        etag: newEtag(),
        properties: { provisioningState: 'Succeeded' },
      };
      state.put(resource);
      return { status: existing ? 200 : 201, body: view(resource, context) };
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${networkPath}/networkWatchers/{networkWatcherName}`,
    handle: (context) => {
      const group = requireResourceGroup(context);
      return startDelete(context, context.core.state.getTyped(types.networkWatcher, topId(group, types.networkWatcher, context.params.networkWatcherName)));
    },
  },
];
