/**
 * "Query Traffic Analytics…" (workspace question, table, gallery query, its parameters, time range)
 * opens the query as an editable `.kql` document; "Run Query" (a CodeLens on the document and a
 * button in its title bar) sends it to Log Analytics and shows the result: flows in the flow-log
 * viewer, anything else as a table.
 *
 * From a flow log with Traffic Analytics the workspace and table are known; a VNet or subnet row
 * fills in its address block, a NIC row (its VM) its address.
 */
import * as vscode from 'vscode';
import type { CloudEnvironment } from '../azure/cloud';
import { FlowLogReads, toExistingFlowLog } from '../azure/flowLogsReads';
import { LogAnalyticsProblem, LogAnalyticsQueries, type TrafficQueryResult } from '../azure/logAnalyticsQueries';
import { plural } from '../core/quantities';
import { flowTableOf, resultMarkdown, trafficAnalyticsFlowLog } from '../flowlogs/trafficAnalyticsResults';
import {
  galleryParameterProblem,
  galleryQueryText,
  queryDocumentText,
  readQueryDocumentHeader,
  timespanOfHours,
  trafficAnalyticsGallery,
  type GalleryParameterName,
  type GalleryParameters,
  type GalleryQuery,
  type QueryWorkspace,
  type TrafficAnalyticsTable,
} from '../flowlogs/trafficAnalyticsQueries';
import type { EstateSubscription } from '../inventory/estate';
import { NicNode } from '../tree/nicNode';
import { SubnetNode } from '../tree/subnetNode';
import { VnetNode } from '../tree/vnetNode';
import { FlowLogNode } from '../tree/watcherNode';
import { flowLogViewType } from '../webview/flowLogEditorProvider';
import { back, type WizardUi } from '../wizards/shared/wizardUi';
import { uriArgument, type LensCommand } from './lensCommand';

export const queryTrafficAnalyticsId = 'trafficLens.queryTrafficAnalytics';
export const runQueryId = 'trafficLens.runQuery';
/** The language id of query documents (registered in package.json when no other extension brings one). */
export const kqlLanguageId = 'kql';

export interface TrafficAnalyticsDeps {
  cloud(): CloudEnvironment;
  estate(): Promise<EstateSubscription[]>;
  ui(): WizardUi;
  log: vscode.LogOutputChannel;
  /** Where result files for the flow-log viewer are written (the extension's global storage). */
  resultsFolder: vscode.Uri;
}

/** What Run Query did, for its caller (tests); the user sees the viewer, the table or the message. */
export type RunQueryOutcome =
  | { kind: 'flows'; rows: number; uri: string; partial?: string }
  | { kind: 'table'; rows: number; document: string; partial?: string }
  | { kind: 'failed'; message: string };

interface Seed {
  table?: TrafficAnalyticsTable;
  workspace?: QueryWorkspace;
  parameters: Partial<GalleryParameters>;
}

function seedOf(node: unknown): Seed {
  if (node instanceof FlowLogNode) {
    const analytics = toExistingFlowLog(node.flowLog, node.flowLog.watcherId).trafficAnalytics;
    const table: TrafficAnalyticsTable = node.flowLog.targetId.includes('/networksecuritygroups/') ? 'AzureNetworkAnalytics_CL' : 'NTANetAnalytics';
    const armId = analytics.workspaceResourceId;
    const workspace = analytics.enabled && armId && analytics.workspaceId ? { name: armId.split('/').pop() ?? armId, customerId: analytics.workspaceId.toLowerCase(), armId } : undefined;
    return { table, ...(workspace ? { workspace } : {}), parameters: {} };
  }
  if (node instanceof VnetNode) {
    return { parameters: node.vnet.addressSpace[0] ? { subnet: node.vnet.addressSpace[0] } : {} };
  }
  if (node instanceof SubnetNode) {
    return { parameters: node.subnet.addressPrefixes[0] ? { subnet: node.subnet.addressPrefixes[0] } : {} };
  }
  if (node instanceof NicNode) {
    const address = node.nic.primaryPrivateIp ?? node.nic.privateIpAddresses[0];
    return { parameters: address ? { addressA: address } : {} };
  }
  return { parameters: {} };
}

const title = 'Query Traffic Analytics';

const timeRanges: { label: string; hours: number }[] = [
  { label: 'Last hour', hours: 1 },
  { label: 'Last 24 hours', hours: 24 },
  { label: 'Last 7 days', hours: 24 * 7 },
  { label: 'Last 30 days', hours: 24 * 30 },
];

const parameterQuestions: Record<GalleryParameterName, { prompt: string; placeholder: string }> = {
  addressA: { prompt: 'First IP address', placeholder: 'e.g. 10.2.1.4' },
  addressB: { prompt: 'Second IP address', placeholder: 'e.g. 10.0.2.5' },
  subnet: { prompt: 'Address block (CIDR) the flows go into', placeholder: 'e.g. 10.2.1.0/24' },
  port: { prompt: 'Destination port', placeholder: 'e.g. 443' },
};

/** The Log Analytics workspaces of every shown subscription; a subscription that cannot be listed is logged and left out. */
async function listWorkspaces(deps: TrafficAnalyticsDeps, signal: AbortSignal): Promise<(QueryWorkspace & { location: string; subscription: string })[]> {
  const estate = await deps.estate();
  const lists = await Promise.all(estate.map(async ({ subscription, account }) => {
    try {
      const found = await new FlowLogReads(account).listWorkspaces(subscription.subscriptionId, subscription.tenantId, signal);
      return found.map((workspace) => ({ name: workspace.name, customerId: workspace.customerId.toLowerCase(), armId: workspace.armId, location: workspace.location, subscription: subscription.displayName }));
    } catch (error) {
      deps.log.warn(`Listing Log Analytics workspaces of subscription ${subscription.displayName} (${subscription.subscriptionId}) failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }));
  return lists.flat();
}

async function pickWorkspace(deps: TrafficAnalyticsDeps): Promise<QueryWorkspace | typeof back | undefined> {
  const controller = new AbortController();
  const workspaces = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing Log Analytics workspaces…' }, () => listWorkspaces(deps, controller.signal));
  return deps.ui().pick({
    id: 'trafficAnalytics.workspace',
    title,
    placeholder: 'Which Log Analytics workspace does Traffic Analytics write to?',
    emptyMessage: 'No Log Analytics workspaces in the shown subscriptions. Traffic Analytics needs one (Enable Flow Logs… can turn it on).',
    items: workspaces.map((workspace) => ({ label: workspace.name, description: [workspace.location, workspace.subscription].filter(Boolean).join(' · '), detail: workspace.customerId, value: workspace })),
  });
}

/** Asks for what the seed leaves open; undefined when cancelled. Back goes to the previous question. */
async function gather(deps: TrafficAnalyticsDeps, seed: Seed): Promise<{ workspace: QueryWorkspace; table: TrafficAnalyticsTable; query: GalleryQuery; parameters: GalleryParameters } | undefined> {
  const ui = deps.ui();
  let workspace = seed.workspace;
  let table = seed.table;
  let query: GalleryQuery | undefined;
  const parameters: Partial<GalleryParameters> = { ...seed.parameters };
  type Step = 'workspace' | 'table' | 'query' | 'parameters' | 'time';
  const steps: Step[] = [...(seed.workspace ? [] : ['workspace' as const]), ...(seed.table ? [] : ['table' as const]), 'query', 'parameters', 'time'];
  for (let index = 0; index < steps.length;) {
    const step = steps[index];
    let answer: unknown;
    switch (step) {
      case 'workspace':
        answer = await pickWorkspace(deps);
        if (answer !== back && answer !== undefined) {
          workspace = answer as QueryWorkspace;
        }
        break;
      case 'table':
        answer = await ui.pick({
          id: 'trafficAnalytics.table',
          title,
          placeholder: 'Which flow logs? Traffic Analytics writes each kind to its own table.',
          items: [
            { label: 'NTANetAnalytics', description: 'virtual network flow logs', value: 'NTANetAnalytics' as TrafficAnalyticsTable, picked: table !== 'AzureNetworkAnalytics_CL' },
            { label: 'AzureNetworkAnalytics_CL', description: 'NSG flow logs', value: 'AzureNetworkAnalytics_CL' as TrafficAnalyticsTable, picked: table === 'AzureNetworkAnalytics_CL' },
          ],
        });
        if (answer !== back && answer !== undefined) {
          table = answer as TrafficAnalyticsTable;
        }
        break;
      case 'query':
        answer = await ui.pick({ id: 'trafficAnalytics.query', title, placeholder: 'Which query?', items: trafficAnalyticsGallery.map((item) => ({ label: item.label, detail: item.detail, value: item, picked: item.id === query?.id })) });
        if (answer !== back && answer !== undefined) {
          query = answer as GalleryQuery;
        }
        break;
      case 'parameters': {
        answer = true;
        for (const name of query?.needs ?? []) {
          const previous = parameters[name];
          const text = await ui.input({
            id: `trafficAnalytics.${name}`,
            title,
            ...parameterQuestions[name],
            ...(previous === undefined ? {} : { value: String(previous) }),
            validate: (value) => galleryParameterProblem(name, name === 'port' ? Number(value.trim() === '' ? Number.NaN : value) : value.trim()),
          });
          if (text === back || text === undefined) {
            answer = text;
            break;
          }
          if (name === 'port') {
            parameters.port = Number(text);
          } else {
            parameters[name] = text.trim();
          }
        }
        break;
      }
      case 'time':
        answer = await ui.pick({ id: 'trafficAnalytics.timeRange', title, placeholder: 'Over what time range?', items: timeRanges.map((range) => ({ label: range.label, value: range.hours, picked: range.hours === (parameters.hours ?? 24) })) });
        if (answer !== back && answer !== undefined) {
          parameters.hours = answer as number;
        }
        break;
    }
    if (answer === undefined) {
      return undefined;
    }
    index = answer === back ? Math.max(0, index - 1) : index + 1;
  }
  if (!workspace || !table || !query || parameters.hours === undefined) {
    return undefined;
  }
  return { workspace, table, query, parameters: { ...parameters, hours: parameters.hours } };
}

export function queryTrafficAnalyticsCommand(deps: TrafficAnalyticsDeps): LensCommand {
  return {
    id: queryTrafficAnalyticsId,
    async run(node?: unknown): Promise<vscode.TextDocument | undefined> {
      const answers = await gather(deps, seedOf(node));
      if (!answers) {
        return undefined;
      }
      const text = queryDocumentText({ workspace: answers.workspace, timespan: timespanOfHours(answers.parameters.hours) }, galleryQueryText(answers.query.id, answers.table, answers.parameters));
      const document = await vscode.workspace.openTextDocument({ language: kqlLanguageId, content: text });
      await vscode.window.showTextDocument(document);
      return document;
    },
  };
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function showResult(deps: TrafficAnalyticsDeps, workspace: QueryWorkspace, result: TrafficQueryResult): Promise<RunQueryOutcome> {
  const flows = flowTableOf(result.columns) ? trafficAnalyticsFlowLog(result.columns, result.rows, Date.now()) : undefined;
  const partial = result.partial;
  if (partial) {
    deps.log.warn(`Traffic Analytics query in ${workspace.name}: ${partial}`);
    void vscode.window.showWarningMessage(partial);
  }
  if (flows && flows.rows > 0) {
    // Rows without addresses or a port cannot be tuples; if none is left, the table shows them as they are.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const uri = vscode.Uri.joinPath(deps.resultsFolder, `traffic-analytics_${workspace.name}_${stamp}.json`);
    await vscode.workspace.fs.createDirectory(deps.resultsFolder);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(flows.text, 'utf8'));
    deps.log.info(`Traffic Analytics query in ${workspace.name}: ${plural(flows.rows, 'flow row')} opened in the flow-log viewer${flows.skipped > 0 ? ` (${plural(flows.skipped, 'row')} without addresses or port left out)` : ''}.`);
    await vscode.commands.executeCommand('vscode.openWith', uri, flowLogViewType);
    return { kind: 'flows', rows: flows.rows, uri: uri.toString(), ...(partial ? { partial } : {}) };
  }
  const notes = [...(partial ? [partial] : []), `Workspace ${workspace.name} (${workspace.customerId}).`];
  const markdown = resultMarkdown('Traffic Analytics query result', result.columns, result.rows, notes);
  // A file rather than an untitled document, so closing the result never asks to save it.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = vscode.Uri.joinPath(deps.resultsFolder, `traffic-analytics_${workspace.name}_${stamp}.md`);
  await vscode.workspace.fs.createDirectory(deps.resultsFolder);
  await vscode.workspace.fs.writeFile(file, Buffer.from(markdown, 'utf8'));
  const document = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  return { kind: 'table', rows: result.rows.length, document: document.uri.toString(), ...(partial ? { partial } : {}) };
}

export function runQueryCommand(deps: TrafficAnalyticsDeps): LensCommand {
  return {
    id: runQueryId,
    async run(target?: unknown): Promise<RunQueryOutcome | undefined> {
      const uri = uriArgument(target);
      const document = uri !== undefined ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!document) {
        void vscode.window.showInformationMessage('Open a Traffic Analytics query (Query Traffic Analytics…) to run it.');
        return undefined;
      }
      const header = readQueryDocumentHeader(document.getText());
      let workspace = header.workspace;
      if (!workspace) {
        const picked = await pickWorkspace(deps);
        if (picked === back || picked === undefined) {
          return undefined;
        }
        workspace = picked;
      }
      const timespan = header.timespan ?? 'P1D';
      const cloud = deps.cloud();
      if (cloud.logAnalyticsEndpoint === undefined || cloud.logAnalyticsScope === undefined) {
        const message = `The ${cloud.name} cloud has no Log Analytics endpoint: set trafficLens.logAnalyticsEndpoint in your user settings to query Traffic Analytics.`;
        void vscode.window.showErrorMessage(message);
        return { kind: 'failed', message };
      }
      const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(workspace.armId)?.[1]?.toLowerCase();
      const owner = (await deps.estate()).find((entry) => entry.subscription.subscriptionId.toLowerCase() === subscriptionId);
      if (!owner) {
        const message = `Workspace ${workspace.name} is in subscription ${subscriptionId ?? '(unknown)'}, which is not among the shown subscriptions. Sign in with an account that can read it, or show that subscription (Select Subscriptions…).`;
        void vscode.window.showErrorMessage(message);
        return { kind: 'failed', message };
      }
      const queries = new LogAnalyticsQueries({ credential: owner.account.credentialForScope(cloud.logAnalyticsScope, owner.subscription.tenantId), endpoint: cloud.logAnalyticsEndpoint, scope: cloud.logAnalyticsScope });
      const ws = workspace;
      try {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Running the query in ${ws.name}…`, cancellable: true },
          (_progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            return queries.query(ws.customerId, ws.name, document.getText(), timespan, controller.signal);
          },
        );
        deps.log.info(`Traffic Analytics query in ${ws.name} (${ws.customerId}, ${timespan}): ${plural(result.rows.length, 'row')}${result.partial ? ', partial' : ''}.`);
        return await showResult(deps, ws, result);
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') {
          return undefined;
        }
        const message = describeFailure(error);
        deps.log.error(`Traffic Analytics query in ${ws.name} (${ws.customerId}) failed${error instanceof LogAnalyticsProblem ? ` (${error.status ?? ''} ${error.code})` : ''}: ${message}`);
        void vscode.window.showErrorMessage(message, 'Show Details').then((choice) => choice === 'Show Details' && deps.log.show());
        return { kind: 'failed', message };
      }
    },
  };
}

/** "Run Query" above the first line of every KQL document. */
export class RunQueryCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(play) Run Query', command: runQueryId, arguments: [document.uri] })];
  }
}

/** The commands and the CodeLens of Traffic Analytics queries; the caller registers the commands and keeps the disposable. */
export function trafficAnalyticsQueries(deps: TrafficAnalyticsDeps): { commands: LensCommand[]; disposable: vscode.Disposable } {
  return {
    commands: [queryTrafficAnalyticsCommand(deps), runQueryCommand(deps)],
    disposable: vscode.languages.registerCodeLensProvider({ language: kqlLanguageId }, new RunQueryCodeLens()),
  };
}
