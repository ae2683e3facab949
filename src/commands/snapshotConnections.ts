import * as vscode from 'vscode';
import { nameOf, resourceTypeOf } from '../azure/armIds';
import { armFailure } from '../azure/armProblem';
import type { ConnectionSnapshot } from '../core/connectionSnapshot';
import type { ConnectionSnapshotStore } from '../core/connectionSnapshotStore';
import { resourcesOf } from '../tree/treeNode';
import { gatherSnapshot } from '../wizards/connectionSnapshot/gather';
import { planSnapshot, renderSnapshotPlan } from '../wizards/connectionSnapshot/plan';
import { renderSnapshotReport, summariseRun } from '../wizards/connectionSnapshot/report';
import { runSnapshot, type SnapshotRunReport } from '../wizards/connectionSnapshot/run';
import { readSnapshotEstate } from '../wizards/connectionSnapshot/snapshotEstate';
import { withCancellableProgress } from '../wizards/shared/progress';
import type { WizardContext } from '../wizards/shared/wizardContext';
import type { LensCommand } from './lensCommand';

export const snapshotDocumentScheme = 'traffic-lens-snapshot';

/** The snapshot plans and results as read-only markdown documents (the latest 20 kept). */
export class SnapshotDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private sequence = 0;

  /** Builds the provider and registers its scheme; both go to `subscriptions`. */
  static register(subscriptions: { push(...items: vscode.Disposable[]): unknown }): SnapshotDocuments {
    const documents = new SnapshotDocuments();
    subscriptions.push(documents, vscode.workspace.registerTextDocumentContentProvider(snapshotDocumentScheme, documents));
    return documents;
  }

  add(fileName: string, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: snapshotDocumentScheme, path: `/${++this.sequence}/${fileName}` });
    this.contents.set(uri.toString(), markdown);
    for (const key of [...this.contents.keys()].slice(0, -20)) {
      this.contents.delete(key);
    }
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# This snapshot is no longer available\n\nRun "Snapshot Connections…" again.\n';
  }

  dispose(): void {
    this.contents.clear();
  }
}

async function showDocument(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true });
}

const vmRowTypes = new Set(['microsoft.compute/virtualmachines', 'microsoft.network/networkinterfaces']);

/**
 * "Snapshot Connections…": from a VM or NIC row (its VM), a subnet or VNet row (the VMs with a NIC
 * in it), or the palette (pick VMs). Shows the plan with the exact commands before anything runs,
 * runs them with cancellable progress, keeps the snapshots in `store` for the dependency map, and
 * opens the result. Resolves with the run's report, or `undefined` when cancelled before running.
 */
export function snapshotConnectionsCommand(context: WizardContext, store: ConnectionSnapshotStore, documents: SnapshotDocuments): LensCommand {
  return {
    id: 'trafficLens.snapshotConnections',
    async run(node?: unknown, selection?: unknown): Promise<SnapshotRunReport | undefined> {
      const estate = await readSnapshotEstate(await context.estate());
      const rows = resourcesOf(node, selection).map((resource) => resource.armId);
      const vmIds = estate.vmsOf(rows);
      const seed = { vmIds, single: vmIds.length === 1 && rows.length > 0 && rows.every((row) => vmRowTypes.has(resourceTypeOf(row))) };
      const plan = await gatherSnapshot(context.ui(), estate.vms, seed, async (answers) => {
        const facts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading the VMs to snapshot…' }, () => estate.factsFor(answers.vmIds));
        for (const fact of facts.filter((candidate) => candidate.readProblem)) {
          context.log.warn(`Snapshot Connections: couldn't read ${fact.name}: ${fact.readProblem?.code}: ${fact.readProblem?.message}`);
        }
        const planned = planSnapshot(answers, facts);
        await showDocument(documents.add('connection-snapshot-plan.md', renderSnapshotPlan(planned)));
        return planned;
      });
      if (plan === undefined) {
        return undefined;
      }
      context.log.info(`Snapshot Connections: ${plan.vms.map((vm) => `${vm.name}${vm.skip ? ` (left out: ${vm.skip})` : ''}`).join(', ')}; ${plan.samples} sample(s).`);
      let report: SnapshotRunReport;
      try {
        report = await withCancellableProgress(plan.title, (progress, signal) => runSnapshot(plan, estate, {
          signal,
          progress: (message) => progress.report({ message }),
          log: (message) => context.log.warn(message),
        }));
      } catch (error) {
        throw armFailure(context.log, `Snapshot Connections (${plan.vms.map((vm) => nameOf(vm.armId)).join(', ')})`, 'snapshot connections', error);
      }
      const snapshots = report.results.flatMap((result): ConnectionSnapshot[] => (result.snapshot ? [result.snapshot] : []));
      store.put(snapshots);
      for (const result of report.results) {
        context.log.info(`Snapshot Connections: ${result.vmName}: ${result.status}${result.code ? ` (${result.code})` : ''}${result.detail ? `: ${result.detail}` : ''}`);
      }
      await showDocument(documents.add('connection-snapshot.md', renderSnapshotReport(report)));
      const summary = summariseRun(report);
      const allOk = report.results.every((result) => result.status === 'ok');
      const actions = [...(snapshots.length > 0 ? ['Show Dependency Map'] : []), ...(allOk ? [] : ['Show Details'])];
      void (allOk ? vscode.window.showInformationMessage(summary, ...actions) : vscode.window.showWarningMessage(summary, ...actions)).then((choice) => {
        if (choice === 'Show Details') {
          context.log.show();
        } else if (choice === 'Show Dependency Map') {
          void vscode.commands.executeCommand('trafficLens.showDependencyMap');
        }
      });
      return report;
    },
  };
}
