import * as vscode from 'vscode';
import type { AzureSignIn } from '../azure/azureSignIn';
import { portalResourceUrl } from '../azure/cloud';
import type { PropertiesDocumentProvider } from '../tree/propertiesDocumentProvider';
import type { ResourceInfo, TreeNode } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

function resourcesOf(node: unknown, selection: unknown): ResourceInfo[] {
  const nodes = Array.isArray(selection) && selection.length > 0 ? selection : [node];
  return nodes.flatMap((candidate) => {
    const resource = (candidate as TreeNode | undefined)?.resource;
    return resource ? [resource] : [];
  });
}

/** "Copy Resource ID": the ARM id (one per line for a multi-selection), as Azure spells it. */
export function copyResourceIdCommand(): LensCommand {
  return {
    id: 'trafficLens.copyResourceId',
    async run(node?: unknown, selection?: unknown): Promise<void> {
      const resources = resourcesOf(node, selection);
      if (resources.length === 0) {
        return;
      }
      await vscode.env.clipboard.writeText(resources.map((resource) => resource.armId).join('\n'));
      vscode.window.setStatusBarMessage(resources.length === 1 ? `Copied the id of ${resources[0].name}` : `Copied ${resources.length} resource ids`, 3000);
    },
  };
}

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

/** "View Properties": the resource as read-only JSON. */
export function viewPropertiesCommand(properties: PropertiesDocumentProvider): LensCommand {
  return {
    id: 'trafficLens.viewProperties',
    async run(node?: unknown): Promise<void> {
      const [resource] = resourcesOf(node, undefined);
      if (!resource) {
        return;
      }
      await properties.show(resource.armId, resource.name, resource.properties);
    },
  };
}
