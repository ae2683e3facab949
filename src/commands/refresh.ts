import type { LensTreeProvider } from '../tree/lensTreeProvider';
import type { LensCommand } from './lensCommand';

/** "Refresh": the whole tree from the view title or palette. */
export function refreshCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.refresh', run: () => tree.refresh() };
}
