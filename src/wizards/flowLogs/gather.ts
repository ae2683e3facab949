/**
 * "Enable VNet Flow Logs" questions: targets (prefilled from the rows, or every VNet of a
 * subscription and region), storage account in the targets' region or a new one, retention,
 * Traffic Analytics and its interval, and the flow log name for a single new target. Back re-asks
 * the previous question with its old answer.
 */
import { resourceGroupOf, resourceTypeOf } from '../../azure/armIds';
import { askQuestions, type AnswerTrail, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { defaultFlowLogName, existingFlowLogFor, unsuitableStorageReason, validateFlowLogName, validateRetentionDays, validateStorageAccountName } from './checks';
import { type ExistingFlowLog, type FlowLogAnswers, type FlowLogTarget, type StorageFact, type WorkspaceFact } from './flowLogFacts';

/** What the questions offer; `readFlowLogEstate` provides it. */
export interface FlowLogChoices {
  targets: FlowLogTarget[];
  storageAccounts: StorageFact[];
  workspaces: WorkspaceFact[];
  flowLogs: ExistingFlowLog[];
  storageNameProblem(name: string, subscriptionId: string): Promise<string | undefined>;
}

/** What the command knows before asking: targets from the rows, or a subscription to pick a region of. */
export interface FlowLogSeed {
  targetIds?: string[];
  subscriptionId?: string;
}

/** The answers so far (`flowLogQuestions`' draft). */
export interface FlowLogDraft {
  region?: string;
  targetIds?: string[];
  storage?: string;
  storageName?: string;
  retention?: string;
  workspace?: string;
  interval?: 10 | 60;
  flowLogName?: string;
}

const title = 'Enable VNet Flow Logs';
const newStorage = '#new';
const analyticsOff = '#off';

/** A storage account name to suggest: `stfl` plus the target's letters and digits. */
export function suggestStorageName(target: Pick<FlowLogTarget, 'name'> | undefined): string {
  const letters = (target?.name ?? 'logs').toLowerCase().replace(/[^a-z0-9]/g, '');
  return `stfl${letters}`.slice(0, 24);
}

type Draft = FlowLogDraft;

const targetTypes = new Set(['microsoft.network/virtualnetworks', 'microsoft.network/virtualnetworks/subnets', 'microsoft.network/networkinterfaces']);

/**
 * What the rows a command ran on say about the flow-log targets: VNet, subnet and NIC rows are the
 * targets; a subscription row means "every VNet of a region of it"; anything else asks for targets.
 * `flowLogSeedOf(['/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v'])` → `{ targetIds: ['/subscriptions/s/resourcegroups/g/providers/microsoft.network/virtualnetworks/v'] }`
 */
export function flowLogSeedOf(armIds: readonly string[]): FlowLogSeed {
  const targetIds = armIds.filter((id) => targetTypes.has(resourceTypeOf(id))).map((id) => id.toLowerCase());
  if (targetIds.length > 0) {
    return { targetIds };
  }
  const subscription = armIds.map((id) => /^\/subscriptions\/([^/]+)$/i.exec(id)?.[1]).find((id) => id !== undefined);
  return subscription === undefined ? {} : { subscriptionId: subscription.toLowerCase() };
}

/**
 * The questions, and how a finished draft becomes answers: `gatherFlowLogs` asks them on their own,
 * a set-up that includes flow logs asks them among its own.
 */
export function flowLogQuestions(ui: WizardUi, choices: FlowLogChoices, seed: FlowLogSeed = {}): { questions: Question<FlowLogDraft>[]; answersOf(draft: FlowLogDraft): FlowLogAnswers | undefined } {
  const seeded = (seed.targetIds ?? []).map((id) => choices.targets.find((target) => target.id === id.toLowerCase())).filter((target): target is FlowLogTarget => target !== undefined);
  const vnets = choices.targets.filter((target) => target.kind === 'vnet' && (seed.subscriptionId === undefined || target.subscriptionId === seed.subscriptionId.toLowerCase()));
  const targetsOf = (draft: Draft): FlowLogTarget[] => (seeded.length > 0 ? seeded : (draft.targetIds ?? []).map((id) => choices.targets.find((target) => target.id === id)).filter((target): target is FlowLogTarget => target !== undefined));
  const regionOf = (draft: Draft): string => targetsOf(draft)[0]?.location ?? draft.region ?? '';
  const fromSubscription = seeded.length === 0 && seed.subscriptionId !== undefined;
  // Back to the targets and others chosen: a name suggested for the old first target is suggested anew.
  const withTargets = (draft: Draft, targetIds: string[] | undefined): Draft => {
    const old = targetsOf(draft)[0];
    const { flowLogName, ...kept } = draft;
    const isSuggested = flowLogName !== undefined && old !== undefined && flowLogName === defaultFlowLogName(old);
    return { ...kept, targetIds, ...(flowLogName === undefined || isSuggested ? {} : { flowLogName }) };
  };

  const questions: Question<Draft>[] = [
    {
      id: 'flowLogs.region',
      shouldAsk: () => fromSubscription,
      ask: async (draft, step) => {
        const regions = [...new Set(vnets.map((vnet) => vnet.location))].sort();
        const answer = await ui.pick({
          id: 'flowLogs.region',
          title,
          ...step,
          placeholder: 'Region: every virtual network of the subscription in it gets a flow log',
          items: regions.map((region) => {
            const count = vnets.filter((vnet) => vnet.location === region).length;
            return { label: region, description: `${count} virtual network${count === 1 ? '' : 's'}`, value: region, picked: region === draft.region };
          }),
          emptyMessage: 'This subscription has no virtual networks.',
        });
        return answer === back || answer === undefined ? answer : answer === draft.region ? draft : { ...withTargets(draft, undefined), region: answer };
      },
    },
    {
      id: 'flowLogs.targets',
      shouldAsk: () => seeded.length === 0,
      ask: async (draft, step) => {
        const candidates = vnets.filter((vnet) => draft.region === undefined || vnet.location === draft.region);
        const chosen = new Set(draft.targetIds ?? (fromSubscription ? candidates.map((vnet) => vnet.id) : []));
        const answer = await ui.pickMany({
          id: 'flowLogs.targets',
          title,
          ...step,
          placeholder: 'Virtual networks to log',
          items: candidates.map((vnet) => {
            const existing = existingFlowLogFor(vnet, choices.flowLogs);
            return {
              label: vnet.name,
              description: [vnet.location, `${vnet.nicCount} NIC${vnet.nicCount === 1 ? '' : 's'}`, existing ? `flow log ${existing.name}${existing.enabled ? '' : ' (disabled)'}` : undefined].filter(Boolean).join(' · '),
              value: vnet.id,
              picked: chosen.has(vnet.id),
            };
          }),
          minimum: 1,
          emptyMessage: 'No virtual networks to log.',
        });
        return answer === back || answer === undefined ? answer : withTargets(draft, answer);
      },
    },
    {
      id: 'flowLogs.storage',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const region = regionOf(draft);
        // Accounts in other regions and premium accounts are listed last, with the reason: the plan
        // then explains why they can't be used.
        const accounts = choices.storageAccounts;
        const inRegion = accounts.filter((account) => account.location === region && unsuitableStorageReason(account) === undefined);
        const elsewhere = accounts.filter((account) => !inRegion.includes(account));
        const describe = (account: StorageFact, note?: string): PickItem<string> => ({
          label: account.name,
          description: [account.location, account.kind, account.sku, note].filter(Boolean).join(' · '),
          detail: account.resourceGroup,
          value: account.armId.toLowerCase(),
          picked: account.armId.toLowerCase() === draft.storage,
        });
        const answer = await ui.pick({
          id: 'flowLogs.storage',
          title,
          ...step,
          placeholder: `Storage account for the flow logs (it must be in ${region})`,
          // An account already in the region comes first, so that Enter keeps to what exists.
          items: [
            ...inRegion.map((account) => describe(account)),
            { label: 'Create new storage account…', description: `general-purpose v2, Standard_LRS, in ${region}`, value: newStorage, picked: draft.storage === newStorage },
            ...elsewhere.map((account) => describe(account, [account.location === region ? undefined : `not in ${region}`, unsuitableStorageReason(account) === undefined ? undefined : 'premium: not supported for flow logs'].filter(Boolean).join(', '))),
          ],
        });
        return answer === back || answer === undefined ? answer : { ...draft, storage: answer };
      },
    },
    {
      id: 'flowLogs.storageName',
      shouldAsk: (draft) => draft.storage === newStorage,
      ask: async (draft, step) => {
        const subscriptionId = targetsOf(draft)[0]?.subscriptionId ?? '';
        const answer = await ui.input({
          id: 'flowLogs.storageName',
          title,
          ...step,
          prompt: 'Name of the new storage account (3-24 lowercase letters and digits, unique across Azure)',
          value: draft.storageName ?? suggestStorageName(targetsOf(draft)[0]),
          validate: validateStorageAccountName,
          validateAsync: (value) => choices.storageNameProblem(value, subscriptionId),
        });
        return answer === back || answer === undefined ? answer : { ...draft, storageName: answer };
      },
    },
    {
      id: 'flowLogs.retention',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const answer = await ui.input({
          id: 'flowLogs.retention',
          title,
          ...step,
          prompt: 'Retention in days, 0-365 (0 keeps flow logs forever). Retention replaces lifecycle rules for the flow-log container.',
          value: draft.retention ?? '30',
          validate: validateRetentionDays,
        });
        return answer === back || answer === undefined ? answer : { ...draft, retention: answer.trim() };
      },
    },
    {
      id: 'flowLogs.trafficAnalytics',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        const answer = await ui.pick({
          id: 'flowLogs.trafficAnalytics',
          title,
          ...step,
          placeholder: 'Traffic Analytics (billed per GB processed)',
          items: [
            { label: 'Off', description: 'flow logs in storage only', value: analyticsOff, picked: draft.workspace === analyticsOff },
            ...choices.workspaces.map((workspace) => ({ label: workspace.name, description: [workspace.location, 'Log Analytics workspace'].join(' · '), detail: resourceGroupOf(workspace.armId), value: workspace.armId.toLowerCase(), picked: workspace.armId.toLowerCase() === draft.workspace })),
          ],
        });
        return answer === back || answer === undefined ? answer : { ...draft, workspace: answer };
      },
    },
    {
      id: 'flowLogs.interval',
      shouldAsk: (draft) => draft.workspace !== undefined && draft.workspace !== analyticsOff,
      ask: async (draft, step) => {
        const answer = await ui.pick<10 | 60>({
          id: 'flowLogs.interval',
          title,
          ...step,
          placeholder: 'Traffic Analytics processing interval',
          items: [
            { label: 'Every 60 minutes', value: 60, picked: draft.interval === 60 },
            { label: 'Every 10 minutes', description: 'higher price per GB', value: 10, picked: draft.interval === 10 },
          ],
        });
        return answer === back || answer === undefined ? answer : { ...draft, interval: answer };
      },
    },
    {
      id: 'flowLogs.name',
      shouldAsk: (draft) => targetsOf(draft).length === 1 && existingFlowLogFor(targetsOf(draft)[0], choices.flowLogs) === undefined,
      ask: async (draft, step) => {
        const answer = await ui.input({
          id: 'flowLogs.name',
          title,
          ...step,
          prompt: 'Flow log name',
          value: draft.flowLogName ?? defaultFlowLogName(targetsOf(draft)[0]),
          validate: validateFlowLogName,
        });
        return answer === back || answer === undefined ? answer : { ...draft, flowLogName: answer };
      },
    },
  ];

  return { questions, answersOf: (draft) => toAnswers(draft, targetsOf(draft), choices) };
}

/** Asks the questions; undefined when cancelled. */
export async function gatherFlowLogs(ui: WizardUi, choices: FlowLogChoices, seed: FlowLogSeed = {}, trail?: AnswerTrail): Promise<FlowLogAnswers | undefined> {
  const { questions, answersOf } = flowLogQuestions(ui, choices, seed);
  const draft = await askQuestions(questions, {}, trail);
  return draft === undefined ? undefined : answersOf(draft);
}

function toAnswers(draft: Draft, targets: FlowLogTarget[], choices: FlowLogChoices): FlowLogAnswers | undefined {
  const first = targets[0];
  if (first === undefined) {
    return undefined;
  }
  const account = choices.storageAccounts.find((candidate) => candidate.armId.toLowerCase() === draft.storage);
  const workspace = choices.workspaces.find((candidate) => candidate.armId.toLowerCase() === draft.workspace);
  return {
    targets,
    storage:
      draft.storage === newStorage || account === undefined
        ? { kind: 'new', name: draft.storageName ?? '', subscriptionId: first.subscriptionId, tenantId: first.tenantId, resourceGroup: resourceGroupOf(first.armId), location: first.location }
        : { kind: 'existing', account },
    retentionDays: Number(draft.retention ?? '0'),
    ...(workspace ? { trafficAnalytics: { workspace, intervalMinutes: draft.interval ?? 60 } } : {}),
    ...(draft.flowLogName && targets.length === 1 ? { flowLogNames: { [first.id]: draft.flowLogName } } : {}),
  };
}
