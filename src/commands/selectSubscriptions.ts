import * as vscode from 'vscode';
import type { LensTreeProvider } from '../tree/lensTreeProvider';
import type { SubscriptionFilter } from '../tree/subscriptionFilter';
import type { LensCommand } from './lensCommand';

/** "Select Subscriptions…": a multi-select pick of every visible subscription; the choice persists. */
export function selectSubscriptionsCommand(tree: LensTreeProvider, filter: SubscriptionFilter): LensCommand {
  return {
    id: 'trafficLens.selectSubscriptions',
    async run(): Promise<void> {
      const subscriptions = await vscode.window.withProgress({ location: { viewId: 'trafficLens.inventory' }, title: 'Listing subscriptions' }, () => tree.allSubscriptions());
      if (subscriptions.length === 0) {
        void vscode.window.showInformationMessage('No subscriptions to choose from. Sign in first, or check that your account can see a subscription.');
        return;
      }
      const items = subscriptions.map((subscription) => ({
        label: subscription.displayName,
        description: subscription.subscriptionId,
        detail: subscription.tenantName ? `Tenant ${subscription.tenantName}` : undefined,
        picked: filter.isShown(subscription.id),
        id: subscription.id,
      }));
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Subscriptions to show', placeHolder: 'Choose the subscriptions the Azure Traffic Lens tree shows' });
      if (picked === undefined) {
        return;
      }
      await filter.select(picked.length === items.length ? undefined : picked.map((item) => item.id));
      tree.refresh();
    },
  };
}
