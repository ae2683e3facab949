import * as vscode from 'vscode';
import type { CaptureStatus } from '../azure/packetCaptureReads';
import type { WizardContext } from '../wizards/shared/wizardContext';
import type { LensCommand } from './lensCommand';
import { captureTarget } from './packetCaptureRows';
import { armFailure } from '../azure/armProblem';
import { withCancellableProgress } from '../wizards/shared/progress';
import { describeCaptureStatus } from './packetCaptureStatus';

/** "Stop Packet Capture": stops a running capture (the agent then uploads its file) and reports the new status. */
export function stopPacketCaptureCommand(context: WizardContext, refresh: (subscriptionId: string) => void): LensCommand {
  return {
    id: 'trafficLens.stopPacketCapture',
    async run(node?: unknown, selection?: unknown): Promise<CaptureStatus | undefined> {
      const target = await captureTarget(context, node, selection);
      if (target === undefined) {
        return undefined;
      }
      const tenantId = target.entry.subscription.tenantId;
      const status = await withCancellableProgress(`Stopping packet capture ${target.name}…`, async (_progress, signal) => {
        try {
          await target.reads.stop(target.armId, tenantId, signal);
          return await target.reads.status(target.armId, tenantId, signal);
        } catch (error) {
          throw armFailure(context.log, `Stopping packet capture ${target.armId}`, `stop packet capture ${target.name}`, error);
        }
      });
      refresh(target.entry.subscription.subscriptionId);
      void vscode.window.showInformationMessage(describeCaptureStatus(target.name, status));
      return status;
    },
  };
}
