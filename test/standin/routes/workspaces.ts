import type { Route } from '../http';
import { page, requireResourceGroup, requireSubscription } from './common';
import { groupPath, subscriptionPath } from './paths';

/** Log Analytics workspaces (Traffic Analytics sends its results to one), as WorkspacesSubscriptionList.json shows them. */
export const workspaceType = 'Microsoft.OperationalInsights/workspaces';

const base = { family: 'operationalinsights', resourceType: 'workspaces', namespace: 'Microsoft.OperationalInsights' } as const;

export const workspaceRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.OperationalInsights/workspaces`,
    // Workspaces_List declares no paging (nextLinkName: null).
    handle: (context) => page(context, context.core.state.list(workspaceType, `/subscriptions/${requireSubscription(context).subscriptionId}`), false),
  },
  {
    ...base,
    method: 'GET',
    template: `${groupPath}/providers/Microsoft.OperationalInsights/workspaces`,
    handle: (context) => page(context, context.core.state.list(workspaceType, requireResourceGroup(context).id), false),
  },
];
