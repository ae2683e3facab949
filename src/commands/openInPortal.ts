import * as vscode from 'vscode';
import type { AzureSignIn } from '../azure/azureSignIn';
import { portalResourceUrl } from '../azure/cloud';
import { resourcesOf } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

/** "Open in Portal": the resource's page in the portal of the configured cloud. */
export function openInPortalCommand(signIn: AzureSignIn): LensCommand {
  return {
    id: 'trafficLens.openInPortal',
    async run(node?: unknown): Promise<void> {
      const [resource] = resourcesOf(node, undefined);
      if (!resource) {
        return;
      }
      await vscode.env.openExternal(vscode.Uri.parse(portalResourceUrl(signIn.cloud().portalUrl, resource.armId, resource.tenantId), true));
    },
  };
}
