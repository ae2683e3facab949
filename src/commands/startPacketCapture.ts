import { nameOf, resourceTypeOf } from '../azure/armIds';
import { resourcesOf } from '../tree/treeNode';
import { readCaptureEstate, type CaptureEstate } from '../wizards/packetCapture/captureEstate';
import { gatherPacketCapture, type CaptureSeed } from '../wizards/packetCapture/gather';
import { planPacketCapture } from '../wizards/packetCapture/plan';
import type { ApplyReport } from '../core/plan';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import type { LensCommand } from './lensCommand';
import { armFailure, problemLogLine, toArmProblem } from '../azure/armProblem';

/** The VM of a NIC row (its `virtualMachine` in the inventory), or a VM id itself. */
function seedFrom(armIds: string[], estate: CaptureEstate): CaptureSeed {
  for (const armId of armIds) {
    const type = resourceTypeOf(armId);
    if (type === 'microsoft.compute/virtualmachines') {
      return { vmArmId: armId };
    }
    if (type === 'microsoft.network/networkinterfaces') {
      for (const entry of estate.subscriptions) {
        const nic = entry.inventory.index().nicsById.get(armId.toLowerCase());
        if (nic?.virtualMachineId) {
          return { vmArmId: nic.virtualMachineId };
        }
      }
      throw new Error(`Network interface ${nameOf(armId)} is not attached to a virtual machine: packet capture needs a VM.`);
    }
  }
  return {};
}

/** "Start Packet Capture…": from a NIC row whose VM it captures, or the palette (pick a VM). */
export function startPacketCaptureCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.startPacketCapture',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const estate = await readCaptureEstate(await context.estate(), (what, error) => context.log.warn(problemLogLine(what, toArmProblem(error))));
      const seed = seedFrom(resourcesOf(node, selection).map((resource) => resource.armId), estate);
      // The questions read the VM (its region's storage, its OS's file path): a failed read says which VM and why, with the details in the log.
      const questionsEstate = {
        ...estate,
        readVm: (vmArmId: string) =>
          estate.readVm(vmArmId).catch((error: unknown) => {
            throw armFailure(context.log, `Reading ${nameOf(vmArmId)} for a packet capture`, `read virtual machine ${nameOf(vmArmId)}`, error);
          }),
      };
      return askPlanReview(
        context.reviewOrBack,
        (trail) => gatherPacketCapture(context.ui(), questionsEstate, seed, new Date(), trail),
        async (answers) => {
          let facts;
          try {
            facts = await estate.factsFor(answers);
          } catch (error) {
            throw armFailure(context.log, `Reading ${nameOf(answers.vmArmId)} for packet capture ${answers.name}`, `read virtual machine ${nameOf(answers.vmArmId)}`, error);
          }
          return planPacketCapture(answers, facts);
        },
      );
    },
  };
}
