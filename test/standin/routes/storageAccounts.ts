import type { Route } from '../http';
import { types } from '../types';
import { page, requireResourceGroup, requireSubscription, requireTop, view } from './common';
import { groupPath, subscriptionPath } from './paths';

const base = { family: 'storage', resourceType: 'storageAccounts', namespace: 'Microsoft.Storage' } as const;

export const storageAccountRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.Storage/storageAccounts`,
    handle: (context) => page(context, context.core.state.list(types.storageAccount, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts`,
    handle: (context) => page(context, context.core.state.list(types.storageAccount, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts/{accountName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.storageAccount, 'accountName'), context) }),
  },
  {
    ...base,
    method: 'POST',
    template: `${groupPath}/providers/Microsoft.Storage/storageAccounts/{accountName}/listKeys`,
    handle: (context) => {
      const account = requireTop(context, types.storageAccount, 'accountName');
      const keys = context.core.state.storageKeys.get(account.id.toLowerCase()) ?? [];
      return { status: 200, body: { keys } };
    },
  },
];
