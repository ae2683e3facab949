import * as vscode from 'vscode';
import { problemLogLine, toArmProblem } from '../azure/armProblem';
import type { CaptureStatus } from '../azure/packetCaptureReads';
import type { WizardContext } from '../wizards/shared/wizardContext';
import type { LensCommand } from './lensCommand';
import { captureTarget } from './packetCaptureRows';

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
      const status = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Stopping packet capture ${target.name}…`, cancellable: true },
        async (_progress, token) => {
          const controller = new AbortController();
          const subscription = token.onCancellationRequested(() => controller.abort());
          try {
            await target.reads.stop(target.armId, tenantId, controller.signal);
            return await target.reads.status(target.armId, tenantId, controller.signal);
          } catch (error) {
            const problem = toArmProblem(error);
            if (problem.code === 'Cancelled') {
              throw error;
            }
            context.log.error(problemLogLine(`Stopping packet capture ${target.armId}`, problem));
            throw new Error(`Couldn't stop packet capture ${target.name}: ${problem.message} (${problem.code}).`, { cause: error });
          } finally {
            subscription.dispose();
          }
        },
      );
      refresh(target.entry.subscription.subscriptionId);
      void vscode.window.showInformationMessage(`Packet capture ${target.name} is ${status.status}${status.stopReason ? ` (${status.stopReason})` : ''}.`);
      return status;
    },
  };
}
