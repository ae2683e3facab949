import * as vscode from 'vscode';
import type { CaptureStatus } from '../azure/packetCaptureReads';
import { formatTime } from '../flowlogs/displayFormat';
import type { WizardContext } from '../wizards/shared/wizardContext';
import type { LensCommand } from './lensCommand';
import { captureTarget } from './packetCaptureRows';
import { armFailure } from '../azure/armProblem';
import { withCancellableProgress } from '../wizards/shared/progress';
import { describeCaptureState } from '../tree/treeItems';

/**
 * The status line shown for a capture, in the words of its tree row (why it stopped and what
 * failed included), then since when: `Packet capture pc-1: Stopped (time limit reached); started …`.
 */
export function describeCaptureStatus(name: string, status: CaptureStatus): string {
  const parts = [`Packet capture ${name}: ${describeCaptureState({ ok: true, value: status })}`];
  if (status.startTime) {
    parts.push(`started ${formatTime(Date.parse(status.startTime))} UTC`);
  }
  return `${parts.join('; ')}.`;
}

/** "Packet Capture Status": queryStatus with progress, shown as a message (errors as a warning). */
export function packetCaptureStatusCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.packetCaptureStatus',
    async run(node?: unknown, selection?: unknown): Promise<CaptureStatus | undefined> {
      const target = await captureTarget(context, node, selection);
      if (target === undefined) {
        return undefined;
      }
      const status = await withCancellableProgress(`Asking Network Watcher for the status of ${target.name}…`, async (_progress, signal) => {
        try {
          return await target.reads.status(target.armId, target.entry.subscription.tenantId, signal);
        } catch (error) {
          throw armFailure(context.log, `Querying the status of packet capture ${target.armId}`, `get the status of packet capture ${target.name}`, error);
        }
      });
      const message = describeCaptureStatus(target.name, status);
      context.log.info(message);
      if (status.errors.length > 0 || status.status === 'Error') {
        void vscode.window.showWarningMessage(message);
      } else {
        void vscode.window.showInformationMessage(message);
      }
      return status;
    },
  };
}
