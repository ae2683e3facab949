import * as vscode from 'vscode';
import { resourcesOf } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

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
