import type { LensTreeProvider } from '../tree/lensTreeProvider';
import type { LensCommand } from './lensCommand';

/** "Cancel Loading": aborts every list call in flight; the rows show "Loading cancelled" with a Retry. */
export function cancelLoadingCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.cancelLoading', run: () => tree.cancelLoading() };
}
