import type { PropertiesDocumentProvider } from '../tree/propertiesDocumentProvider';
import { resourcesOf } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

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
