import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowLogRef } from '../azure/networkApi';
import { armFailure } from '../azure/armProblem';
import { isStorageCancellation } from '../azure/storageProblem';
import { nsgFlowLogContainer, vnetFlowLogContainer } from '../core/blobPath';
import type { ObservedFlow } from '../core/observedFlow';
import type { ApplyReport } from '../core/plan';
import { plural } from '../core/quantities';
import { decodeFlowLogFile } from '../flowlogs/flowLogDecoder';
import { observedFlowsFromTable } from '../flowlogs/observedFlows';
import { estateEntryOf } from '../wizards/shared/estate';
import type { FlowLogStorageBrowser } from '../tree/storageBrowser';
import { isTargetOfFlowLog } from '../tree/storageItems';
import { resourcesOf } from '../tree/treeNode';
import { withCancellableProgress } from '../wizards/shared/progress';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { askPlanReview } from '../wizards/shared/wizardFlow';
import { gatherTightenNsg } from '../wizards/tighten/gather';
import { planTightenNsg, proposalFor } from '../wizards/tighten/plan';
import type { RawResource, TightenFacts } from '../wizards/tighten/tightenFacts';
import { readTightenEstate, type TightenEstate } from '../wizards/tighten/tightenEstate';
import type { LensCommand } from './lensCommand';

const hourMs = 3600 * 1000;

/** Flows read for one NSG over one window, with what they were read from. */
interface ReadFlows {
  flows: ObservedFlow[];
  facts: TightenFacts;
}

/**
 * The flows of the NSG's interfaces over the window: every flow log that logs them (the NSG's own
 * first), its blobs of the hours in the window downloaded into one file, decoded and merged. A MAC
 * another flow log already gave flows for is skipped, so a NIC logged twice counts once.
 */
async function readFlows(estate: TightenEstate, storage: FlowLogStorageBrowser, nsgId: string, windowHours: number, raw: RawResource, progress: vscode.Progress<{ message?: string }>, signal: AbortSignal): Promise<ReadFlows> {
  const to = Math.floor(Date.now() / hourMs) * hourMs + hourMs;
  const from = to - windowHours * hourMs;
  const flowLogs = [...estate.flowLogsOf(nsgId)].sort((a, b) => Number(b.targetId === nsgId) - Number(a.targetId === nsgId));
  const interfaces = estate.interfacesOf(nsgId);
  const macs = interfaces.flatMap((scope) => (scope.mac === undefined ? [] : [scope.mac]));
  const covered = new Set<string>();
  const flows: ObservedFlow[] = [];
  const sources: string[] = [];
  const folder = await mkdtemp(join(tmpdir(), 'tighten-nsg-'));
  try {
    for (const flowLog of flowLogs) {
      const entry = estateEntryOf(estate.subscriptions, flowLog.id);
      if (entry === undefined) {
        continue;
      }
      const source = storage.sourceFor(entry.account, entry.subscription.tenantId);
      const container = flowLog.targetId.includes('/networksecuritygroups/') ? nsgFlowLogContainer : vnetFlowLogContainer;
      progress.report({ message: `listing the blobs of ${flowLog.name}` });
      try {
        const access = await source.access(flowLog.storageArmId, signal);
        const targets = (await access.run((files) => files.listTargets(container, signal), signal)).filter((target) => isTargetOfFlowLog(target, flowLog));
        // Without the interfaces' MACs (not listed), every blob of the target is read.
        const wanted = macs.length === 0 ? undefined : macs.filter((mac) => !covered.has(mac));
        if (wanted !== undefined && wanted.length === 0) {
          break;
        }
        const blobs = (await Promise.all(targets.map((target) => access.run((files) => files.listTimeRange(container, target.prefix, new Date(from), new Date(to), { ...(wanted === undefined ? {} : { macs: wanted }), signal }), signal)))).flat();
        if (blobs.length === 0) {
          continue;
        }
        progress.report({ message: `reading ${plural(blobs.length, 'blob')} of ${flowLog.name}` });
        const path = join(folder, `${sources.length}.json`);
        await access.run((files) => files.downloadTimeRange(container, blobs, path, { signal }), signal);
        const decoded = await decodeFlowLogFile(path, { signal });
        const read = observedFlowsFromTable(decoded.table, { nicIdOfMac: (mac) => estate.nicIdOfMac(mac), from, to }).filter((flow) => wanted === undefined || flow.mac === undefined || wanted.includes(flow.mac));
        read.forEach((flow) => flow.mac !== undefined && covered.add(flow.mac));
        flows.push(...read);
        sources.push(`${plural(blobs.length, 'blob')} of flow log ${flowLog.name}`);
      } catch (error) {
        if (isStorageCancellation(error) || signal.aborted) {
          throw new vscode.CancellationError();
        }
        source.report(`Reading the flow logs of ${flowLog.name} for Tighten NSG`, error);
        throw new Error(`Couldn't read the flow logs of ${flowLog.name} in ${flowLog.storageArmId.split('/').pop() ?? 'its storage account'}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  return { flows, facts: estate.facts(nsgId, raw, { from, to, source: sources.length === 0 ? 'no flow-log blobs in the window' : sources.join(', ') }) };
}

function describeFlowLogs(flowLogs: FlowLogRef[]): string {
  return flowLogs.map((flowLog) => flowLog.name).join(', ');
}

/**
 * "Tighten NSG from Traffic…" on an NSG, a subnet or a NIC row, or from the palette: reads the flow
 * logs of the NSG's interfaces over a window, proposes the smallest rule set that allows what was
 * seen allowed, shows the simulation over every observed flow, and applies it as one plan.
 */
export function tightenNsgCommand(context: WizardContext, storage: FlowLogStorageBrowser): LensCommand {
  return {
    id: 'trafficLens.tightenNsg',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const estate = await readTightenEstate(await context.estate(), (what, error) => armFailure(context.log, `Reading ${what} to tighten it`, `read ${what}`, error));
      const row = resourcesOf(node, selection)[0];
      const seedNsg = row === undefined ? undefined : estate.nsgOfRow(row.armId);
      if (row !== undefined && seedNsg === undefined) {
        void vscode.window.showInformationMessage(`${row.name} has no network security group to tighten: attach one to its subnet or network interface first.`);
        return undefined;
      }
      const raws = new Map<string, RawResource>();
      const reads = new Map<string, ReadFlows>();
      const flowsFor = async (nsgId: string, windowHours: number): Promise<ReadFlows | undefined> => {
        const key = `${nsgId}|${windowHours}`;
        const known = reads.get(key);
        if (known !== undefined) {
          return known;
        }
        const flowLogs = estate.flowLogsOf(nsgId);
        const nsg = estate.nsgs.find((candidate) => candidate.id === nsgId);
        if (flowLogs.length === 0) {
          void vscode.window.showInformationMessage(`No enabled flow log logs the traffic of ${nsg?.name ?? nsgId}: enable flow logs on it or its virtual network, wait for traffic, and try again.`);
          return undefined;
        }
        try {
          const read = await withCancellableProgress(`Reading flows for ${nsg?.name ?? 'the NSG'} (${describeFlowLogs(flowLogs)})`, async (progress, signal) => {
            const raw = raws.get(nsgId) ?? (await estate.readNsg(nsgId, signal));
            raws.set(nsgId, raw);
            return readFlows(estate, storage, nsgId, windowHours, raw, progress, signal);
          });
          reads.set(key, read);
          return read;
        } catch (error) {
          if (error instanceof vscode.CancellationError) {
            return undefined;
          }
          throw error;
        }
      };
      return askPlanReview(
        context.reviewOrBack,
        (trail) =>
          gatherTightenNsg(context.ui(), estate, seedNsg === undefined ? {} : { nsgId: seedNsg }, async (answers) => {
            const read = await flowsFor(answers.nsgId, answers.windowHours);
            return read === undefined ? undefined : proposalFor(answers, read.facts, read.flows);
          }, trail),
        async (answers) => {
          const read = await flowsFor(answers.nsgId, answers.windowHours);
          if (read === undefined) {
            throw new vscode.CancellationError();
          }
          return planTightenNsg(answers, read.facts, read.flows);
        },
      );
    },
  };
}
