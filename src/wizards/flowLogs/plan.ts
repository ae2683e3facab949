/**
 * Plans for "Enable VNet Flow Logs" and "Migrate to VNet Flow Logs": pure functions of the answers
 * and the facts read from Azure. Actions run in this order: resource group, network watcher,
 * Microsoft.Insights registration, storage account, flow logs (and, for a migration, disabling the
 * NSG flow logs). Bodies follow NetworkWatcherFlowLogCreate.json and StorageAccountCreate.json.
 */
import { nameOf } from '../../azure/armIds';
import { ActionList } from '../shared/actionList';
import { networkApiVersion, resourcesApiVersion, storageApiVersion } from '../shared/apiVersions';
import { addWatcher, addWatcherGroup, defaultWatcherName, watcherResourceGroup } from '../shared/networkWatcher';
import type { Plan, PlanAction, PlanCheck } from '../../core/plan';
import {
  checkDoubleLogging,
  checkNoNsgTargets,
  checkStorageFirewall,
  checkStorageKind,
  checkStorageRegion,
  checkStorageTier,
  defaultFlowLogName,
  existingFlowLogFor,
  flowLogDifferences,
  storageSummary,
} from './checks';
import { defaultFlowsPerHourPerNic, estimateFlowLogGroups, estimateFlowLogs, type FlowLogEstimateGroup } from './estimate';
import {
  type ExistingFlowLog,
  type FlowLogAnswers,
  type FlowLogIdentity,
  type FlowLogFacts,
  type FlowLogTarget,
  type StorageChoice,
  type StorageFact,
  type SubscriptionFacts,
  type WorkspaceFact,
} from './flowLogFacts';

const flowLogType = 'Microsoft.Network/networkWatchers/flowLogs';

/** The retention warning shown whenever a plan sets retention. */
export function retentionWarning(days: number, storageName: string): string {
  return `Retention of ${days} days: Azure deletes flow-log blobs older than ${days} days from ${storageName} through the storage account's lifecycle management policy, which replaces lifecycle rules you set for the flow-log container (insights-logs-flowlogflowevent). Retention works only with general-purpose v2 accounts.`;
}

export const doubleCostWarning = 'While an NSG flow log and a VNet flow log both record the same NICs, every flow is recorded twice: twice the records and twice the cost. Disable each NSG flow log once its VNet flow log runs.';

interface TrafficAnalyticsChoice {
  workspace: Pick<WorkspaceFact, 'armId' | 'customerId' | 'location'>;
  intervalMinutes: number;
}

interface FlowLogSettings {
  storageArmId: string;
  retentionDays: number;
  trafficAnalytics?: TrafficAnalyticsChoice;
}

/** The identity part of a write: `{ type, userAssignedIdentities: { <id>: {} } }`. */
export function identityBody(identity: FlowLogIdentity): Record<string, unknown> {
  const ids = identity.userAssignedIdentityIds ?? [];
  return { type: identity.type, ...(ids.length > 0 ? { userAssignedIdentities: Object.fromEntries(ids.map((id) => [id, {}])) } : {}) };
}

/**
 * The request body of a VNet flow log (format JSON version 2). Updating an existing one keeps what
 * the plan does not set: its location, tags, managed identity, filtering criteria and record types.
 */
export function flowLogBody(target: Pick<FlowLogTarget, 'armId' | 'location'>, settings: FlowLogSettings, existing?: ExistingFlowLog, enabled = true): Record<string, unknown> {
  const analytics = settings.trafficAnalytics;
  return {
    location: existing?.location ?? target.location,
    ...(existing?.tags && Object.keys(existing.tags).length > 0 ? { tags: existing.tags } : {}),
    ...(existing?.identity ? { identity: identityBody(existing.identity) } : {}),
    properties: {
      targetResourceId: target.armId,
      storageId: settings.storageArmId,
      enabled,
      ...(existing?.enabledFilteringCriteria ? { enabledFilteringCriteria: existing.enabledFilteringCriteria } : {}),
      ...(existing?.recordTypes ? { recordTypes: existing.recordTypes } : {}),
      retentionPolicy: { days: settings.retentionDays, enabled: settings.retentionDays > 0 },
      format: { type: 'JSON', version: 2 },
      flowAnalyticsConfiguration: {
        networkWatcherFlowAnalyticsConfiguration: analytics
          ? {
              enabled: true,
              workspaceId: analytics.workspace.customerId,
              workspaceRegion: analytics.workspace.location,
              workspaceResourceId: analytics.workspace.armId,
              trafficAnalyticsInterval: analytics.intervalMinutes,
            }
          : { enabled: false },
      },
    },
  };
}

/**
 * An existing flow log's own body, as Azure holds it, with only `enabled` set (for disabling it and
 * for Undo): identity, tags, retention, format and the Traffic Analytics settings as they are, even
 * while retention or Traffic Analytics is off.
 */
export function existingFlowLogBody(flowLog: ExistingFlowLog, enabled = flowLog.enabled): Record<string, unknown> {
  const analytics = flowLog.trafficAnalytics;
  const analyticsBody: Record<string, unknown> = { enabled: analytics.enabled };
  const held: Array<[string, unknown]> = [
    ['workspaceId', analytics.workspaceId],
    ['workspaceRegion', analytics.workspaceRegion],
    ['workspaceResourceId', analytics.workspaceResourceId],
    ['trafficAnalyticsInterval', analytics.intervalMinutes],
  ];
  for (const [key, value] of held) {
    if (value !== undefined && value !== '') {
      analyticsBody[key] = value;
    }
  }
  const retention = flowLog.retentionPolicy ?? { days: flowLog.retentionDays, enabled: flowLog.retentionDays > 0 };
  return {
    location: flowLog.location,
    ...(flowLog.tags && Object.keys(flowLog.tags).length > 0 ? { tags: flowLog.tags } : {}),
    ...(flowLog.identity ? { identity: identityBody(flowLog.identity) } : {}),
    properties: {
      targetResourceId: flowLog.targetArmId,
      storageId: flowLog.storageArmId,
      enabled,
      ...(flowLog.enabledFilteringCriteria ? { enabledFilteringCriteria: flowLog.enabledFilteringCriteria } : {}),
      ...(flowLog.recordTypes ? { recordTypes: flowLog.recordTypes } : {}),
      retentionPolicy: { ...(retention.days === undefined ? {} : { days: retention.days }), ...(retention.enabled === undefined ? {} : { enabled: retention.enabled }) },
      format: { type: flowLog.formatType ?? 'JSON', version: flowLog.formatVersion ?? 2 },
      flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration: analyticsBody },
    },
  };
}

function subscriptionFacts(facts: FlowLogFacts, subscriptionId: string): SubscriptionFacts {
  return (
    facts.subscriptions.find((entry) => entry.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()) ?? {
      subscriptionId,
      tenantId: '',
      displayName: subscriptionId,
      insightsState: 'NotRegistered',
      watchers: [],
    }
  );
}

interface Prerequisites {
  checks: PlanCheck[];
  /** `<subscription>|<region>` → the watcher's ARM id and the action creating it, if any. */
  watchers: Map<string, { armId: string; actionId?: string }>;
  /** Subscription → the registration action, if any. */
  registrations: Map<string, string>;
}

function watcherKey(subscriptionId: string, region: string): string {
  return `${subscriptionId.toLowerCase()}|${region.toLowerCase()}`;
}

/** Network Watcher per (subscription, region) and Microsoft.Insights per subscription: checks, and actions when missing. */
function planPrerequisites(targets: readonly FlowLogTarget[], facts: FlowLogFacts, list: ActionList): Prerequisites {
  const result: Prerequisites = { checks: [], watchers: new Map(), registrations: new Map() };
  const watcherLines: string[] = [];
  const watcherFixes: string[] = [];
  const groupActions = new Map<string, PlanAction>();
  for (const target of targets) {
    const key = watcherKey(target.subscriptionId, target.location);
    if (result.watchers.has(key)) {
      continue;
    }
    const subscription = subscriptionFacts(facts, target.subscriptionId);
    const watcher = subscription.watchers.find((candidate) => candidate.location.toLowerCase() === target.location.toLowerCase());
    if (watcher) {
      result.watchers.set(key, { armId: watcher.armId });
      watcherLines.push(`${watcher.name} watches ${target.location} in ${subscription.displayName}`);
      continue;
    }
    const place = { subscriptionId: target.subscriptionId, subscriptionName: subscription.displayName, tenantId: target.tenantId, location: target.location };
    let dependsOn: string[] = [];
    if (subscription.watcherGroupLocation === undefined) {
      let group = groupActions.get(target.subscriptionId.toLowerCase());
      if (!group) {
        group = addWatcherGroup(list, place);
        groupActions.set(target.subscriptionId.toLowerCase(), group);
        watcherFixes.push(group.id);
      }
      dependsOn = [group.id];
    }
    const created = addWatcher(list, place, dependsOn);
    watcherFixes.push(created.id);
    result.watchers.set(key, { armId: created.resourceId, actionId: created.id });
    watcherLines.push(`no network watcher in ${target.location} in ${subscription.displayName}: ${defaultWatcherName(target.location)} will be created in ${watcherResourceGroup}`);
  }
  result.checks.push({
    id: 'networkWatcher',
    title: 'Network Watcher in the region',
    status: watcherFixes.length > 0 ? 'fixed' : 'passed',
    detail: `${watcherLines.join('; ')}.`,
    ...(watcherFixes.length > 0 ? { fixedBy: watcherFixes } : {}),
  });

  const insightsLines: string[] = [];
  const insightsFixes: string[] = [];
  for (const subscriptionId of [...new Set(targets.map((target) => target.subscriptionId.toLowerCase()))]) {
    const subscription = subscriptionFacts(facts, subscriptionId);
    if (subscription.insightsState === 'Registered') {
      insightsLines.push(`Microsoft.Insights is registered in ${subscription.displayName}`);
      continue;
    }
    const target = targets.find((candidate) => candidate.subscriptionId.toLowerCase() === subscriptionId);
    const action = list.add({
      kind: 'post',
      title: `Register the Microsoft.Insights resource provider in ${subscription.displayName}`,
      resourceId: `/subscriptions/${subscription.subscriptionId}/providers/Microsoft.Insights`,
      resourceType: 'Microsoft.Resources/providers',
      apiVersion: resourcesApiVersion,
      operation: 'register',
      dependsOn: [],
      tenantId: target?.tenantId ?? subscription.tenantId,
      existing: 'absent',
      undo: { kind: 'none', reason: 'A resource provider registration is left in place: other resources of the subscription may rely on it.' },
    });
    insightsFixes.push(action.id);
    result.registrations.set(subscriptionId, action.id);
    insightsLines.push(`Microsoft.Insights is ${subscription.insightsState} in ${subscription.displayName}: flow logs need it, so it will be registered`);
  }
  result.checks.push({
    id: 'insightsProvider',
    title: 'Microsoft.Insights registered',
    status: insightsFixes.length > 0 ? 'fixed' : 'passed',
    detail: `${insightsLines.join('; ')}.`,
    ...(insightsFixes.length > 0 ? { fixedBy: insightsFixes } : {}),
  });
  return result;
}

/** The ARM id of the storage account the flow logs write to (the one the plan creates, for a new one). */
export function storageArmIdOf(storage: StorageChoice): string {
  return storage.kind === 'existing' ? storage.account.armId : `/subscriptions/${storage.subscriptionId}/resourceGroups/${storage.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${storage.name}`;
}

/** A new flow log's name must not already name another target's flow log in the same watcher. */
function checkNameClashes(targets: readonly FlowLogTarget[], names: Map<string, string>, watchers: Map<string, { armId: string }>, flowLogs: readonly ExistingFlowLog[]): PlanCheck | undefined {
  const clashes: string[] = [];
  for (const target of targets) {
    if (existingFlowLogFor(target, flowLogs)) {
      continue;
    }
    const watcher = watchers.get(watcherKey(target.subscriptionId, target.location));
    const name = names.get(target.id) ?? '';
    const taken = flowLogs.find((flowLog) => flowLog.watcherArmId.toLowerCase() === watcher?.armId.toLowerCase() && flowLog.name.toLowerCase() === name.toLowerCase());
    if (taken) {
      clashes.push(`${name} already logs ${nameOf(taken.targetArmId)}, not ${target.name}`);
    }
  }
  return clashes.length === 0 ? undefined : { id: 'flowLogName', title: 'Flow log names', status: 'failed', detail: `${clashes.join('; ')}. Choose another flow log name.` };
}

/** "Enable VNet Flow Logs": prerequisites, an optional new storage account, and one flow log per target. */
export function planFlowLogs(answers: FlowLogAnswers, facts: FlowLogFacts): Plan {
  const list = new ActionList();
  const targets = answers.targets;
  const { name: storageName, location: storageLocation } = storageSummary(answers.storage);
  const checks: PlanCheck[] = [];
  const nsgCheck = checkNoNsgTargets(targets);
  if (nsgCheck) {
    checks.push(nsgCheck);
  }
  checks.push(checkStorageRegion(targets, answers.storage), checkStorageTier(answers.storage), checkStorageFirewall(answers.storage));
  const kindCheck = checkStorageKind(answers.storage, answers.retentionDays);
  if (kindCheck) {
    checks.push(kindCheck);
  }
  const logTargets = targets.filter((target) => target.kind !== 'nsg');
  const prerequisites = planPrerequisites(logTargets, facts, list);
  checks.push(...prerequisites.checks);

  const storageArmId = storageArmIdOf(answers.storage);
  let storageActionId: string | undefined;
  if (answers.storage.kind === 'new') {
    const storage = answers.storage;
    const action = list.add({
      kind: 'put',
      title: `Create storage account ${storage.name} in ${storage.resourceGroup} (${storage.location})`,
      resourceId: storageArmId,
      resourceType: 'Microsoft.Storage/storageAccounts',
      apiVersion: storageApiVersion,
      body: {
        location: storage.location,
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
        properties: { minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, supportsHttpsTrafficOnly: true, accessTier: 'Hot' },
      },
      dependsOn: [],
      tenantId: storage.tenantId,
      existing: 'absent',
      impact: 'Storage is billed per GB stored and per operation.',
    });
    storageActionId = action.id;
  }

  const names = new Map(logTargets.map((target) => [target.id, answers.flowLogNames?.[target.id] ?? defaultFlowLogName(target)]));
  const clash = checkNameClashes(logTargets, names, prerequisites.watchers, facts.flowLogs);
  if (clash) {
    checks.push(clash);
  }
  const existingLines: string[] = [];
  let anyDiffers = false;
  const settings: FlowLogSettings = {
    storageArmId,
    retentionDays: answers.retentionDays,
    trafficAnalytics: answers.trafficAnalytics && { workspace: answers.trafficAnalytics.workspace, intervalMinutes: answers.trafficAnalytics.intervalMinutes },
  };
  for (const target of logTargets) {
    const existing = existingFlowLogFor(target, facts.flowLogs);
    const watcher = prerequisites.watchers.get(watcherKey(target.subscriptionId, target.location));
    const dependsOn = [watcher?.actionId, prerequisites.registrations.get(target.subscriptionId.toLowerCase()), storageActionId].filter((id): id is string => id !== undefined);
    const body = flowLogBody(target, settings, existing);
    if (existing) {
      const differences = flowLogDifferences(existing, answers, storageArmId);
      const same = differences.length === 0;
      anyDiffers ||= !same;
      existingLines.push(same ? `${existing.name} on ${target.name} is already as planned` : `${existing.name} on ${target.name} exists and will be updated (${differences.join(', ')})`);
      list.add({
        kind: 'put',
        title: same ? `Keep flow log ${existing.name} on ${target.name}` : `Update flow log ${existing.name} on ${target.name}`,
        resourceId: existing.armId,
        resourceType: flowLogType,
        apiVersion: networkApiVersion,
        body,
        dependsOn,
        tenantId: target.tenantId,
        existing: same ? 'same' : 'differs',
        undo: { kind: 'put', body: existingFlowLogBody(existing) },
      });
      continue;
    }
    const name = names.get(target.id) ?? defaultFlowLogName(target);
    list.add({
      kind: 'put',
      title: `Create flow log ${name} on ${target.name}`,
      resourceId: `${watcher?.armId ?? ''}/flowLogs/${name}`,
      resourceType: flowLogType,
      apiVersion: networkApiVersion,
      body,
      dependsOn,
      tenantId: target.tenantId,
      existing: 'absent',
    });
  }
  checks.push({
    id: 'existingFlowLogs',
    title: 'Existing flow logs on the targets',
    status: anyDiffers ? 'warning' : 'passed',
    detail: existingLines.length === 0 ? `No flow log targets ${logTargets.map((target) => target.name).join(', ')} yet.` : `${existingLines.join('; ')}.`,
  });
  const doubleLogging = checkDoubleLogging(logTargets, facts.flowLogs);
  if (doubleLogging) {
    checks.push(doubleLogging);
  }

  const warnings: string[] = [];
  if (answers.retentionDays > 0) {
    warnings.push(retentionWarning(answers.retentionDays, storageName));
  }
  const nicCount = logTargets.reduce((sum, target) => sum + target.nicCount, 0);
  const analytics = answers.trafficAnalytics;
  return {
    kind: 'flowLogs',
    title: logTargets.length === 1 ? `Enable a VNet flow log on ${logTargets[0].name}` : `Enable VNet flow logs on ${logTargets.length} targets`,
    summary: [
      `Targets: ${targets.map((target) => `${target.name} (${target.kind === 'vnet' ? 'virtual network' : target.kind === 'nic' ? 'NIC' : target.kind}, ${target.location})`).join(', ')}.`,
      `Storage account: ${storageName} (${storageLocation})${answers.storage.kind === 'new' ? ', created by this plan (general-purpose v2, Standard_LRS)' : ''}.`,
      `Retention: ${answers.retentionDays === 0 ? 'kept forever' : `${answers.retentionDays} days`}. Format: JSON version 2.`,
      `Traffic Analytics: ${analytics ? `${nameOf(analytics.workspace.armId)}, every ${analytics.intervalMinutes} minutes` : 'off'}.`,
    ],
    checks,
    warnings,
    actions: list.actions,
    estimate: estimateFlowLogs({ nicCount, flowsPerHourPerNic: answers.flowsPerHourPerNic ?? defaultFlowsPerHourPerNic, trafficAnalyticsIntervalMinutes: analytics?.intervalMinutes, retentionDays: answers.retentionDays }),
  };
}

/** One NSG flow log to migrate, with the VNet flow log targets that cover the NICs its NSG covers. */
export interface MigrationSource {
  flowLog: ExistingFlowLog;
  nsgName: string;
  /** The NSG's subnets' virtual networks, and the NSG's NICs outside them. */
  targets: FlowLogTarget[];
  /** The NSG flow log's storage account, when it could be read (for the firewall check). */
  storage?: StorageFact;
}

/**
 * "Migrate to VNet Flow Logs": VNet flow logs with each NSG flow log's storage, retention and
 * Traffic Analytics settings on the targets covering its NICs (a target that already has an
 * enabled flow log keeps it), then each NSG flow log disabled, after a confirmation.
 */
export function planNsgMigration(sources: readonly MigrationSource[], facts: FlowLogFacts, flowsPerHourPerNic = defaultFlowsPerHourPerNic): Plan {
  const list = new ActionList();
  const seen = new Set<string>();
  const allTargets = sources.flatMap((source) => source.targets).filter((target) => (seen.has(target.id) ? false : (seen.add(target.id), true)));
  const prerequisites = planPrerequisites(allTargets, facts, list);
  const checks: PlanCheck[] = [];
  for (const source of sources) {
    if (source.storage) {
      const firewall = checkStorageFirewall({ kind: 'existing', account: source.storage });
      if (firewall.status === 'failed') {
        checks.push(firewall);
      }
    }
  }
  if (sources.some((source) => source.targets.length === 0)) {
    checks.push({
      id: 'migrationTargets',
      title: 'Something to migrate to',
      status: 'failed',
      detail: `${sources.filter((source) => source.targets.length === 0).map((source) => `${source.nsgName} is attached to no subnet or NIC`).join('; ')}: there is no traffic for a VNet flow log to take over.`,
    });
  }
  checks.push(...prerequisites.checks);
  const actionByTarget = new Map<string, string>();
  const coverageLines: string[] = [];
  // The estimate prices each target with the settings its flow log has after the plan: a kept
  // flow log its own retention and Traffic Analytics, a new one its NSG flow log's.
  const estimateGroups: FlowLogEstimateGroup[] = [];
  for (const source of sources) {
    const settings: FlowLogSettings = {
      storageArmId: source.flowLog.storageArmId,
      retentionDays: source.flowLog.retentionDays,
      trafficAnalytics:
        source.flowLog.trafficAnalytics.enabled && source.flowLog.trafficAnalytics.workspaceResourceId
          ? {
              workspace: { armId: source.flowLog.trafficAnalytics.workspaceResourceId, customerId: source.flowLog.trafficAnalytics.workspaceId ?? '', location: source.flowLog.trafficAnalytics.workspaceRegion ?? '' },
              intervalMinutes: source.flowLog.trafficAnalytics.intervalMinutes ?? 60,
            }
          : undefined,
    };
    for (const target of source.targets) {
      if (actionByTarget.has(target.id)) {
        continue;
      }
      const existing = existingFlowLogFor(target, facts.flowLogs);
      const watcher = prerequisites.watchers.get(watcherKey(target.subscriptionId, target.location));
      const dependsOn = [watcher?.actionId, prerequisites.registrations.get(target.subscriptionId.toLowerCase())].filter((id): id is string => id !== undefined);
      if (existing?.enabled) {
        coverageLines.push(`${target.name} already has VNet flow log ${existing.name} (kept as it is)`);
        const kept = list.add({
          kind: 'put',
          title: `Keep flow log ${existing.name} on ${target.name}`,
          resourceId: existing.armId,
          resourceType: flowLogType,
          apiVersion: networkApiVersion,
          body: existingFlowLogBody(existing),
          dependsOn,
          tenantId: target.tenantId,
          existing: 'same',
        });
        actionByTarget.set(target.id, kept.id);
        estimateGroups.push({ nicCount: target.nicCount, retentionDays: existing.retentionDays, ...analyticsInterval(existing) });
        continue;
      }
      const name = existing?.name ?? defaultFlowLogName(target);
      coverageLines.push(`${target.name} gets ${existing ? `its disabled flow log ${name} enabled` : `new VNet flow log ${name}`}`);
      const action = list.add({
        kind: 'put',
        title: existing ? `Enable flow log ${name} on ${target.name}` : `Create flow log ${name} on ${target.name}`,
        resourceId: existing?.armId ?? `${watcher?.armId ?? ''}/flowLogs/${name}`,
        resourceType: flowLogType,
        apiVersion: networkApiVersion,
        body: flowLogBody(target, settings, existing),
        dependsOn,
        tenantId: target.tenantId,
        existing: existing ? 'differs' : 'absent',
        ...(existing ? { undo: { kind: 'put' as const, body: existingFlowLogBody(existing) } } : {}),
      });
      actionByTarget.set(target.id, action.id);
      estimateGroups.push({ nicCount: target.nicCount, retentionDays: settings.retentionDays, ...(settings.trafficAnalytics ? { trafficAnalyticsIntervalMinutes: settings.trafficAnalytics.intervalMinutes } : {}) });
    }
  }
  checks.push({ id: 'migrationCoverage', title: 'VNet flow logs covering the NSGs', status: 'passed', detail: `${coverageLines.join('; ') || 'No targets'}.` });
  for (const source of sources) {
    const flowLog = source.flowLog;
    const alreadyOff = !flowLog.enabled;
    const tenantId = source.targets[0]?.tenantId ?? '';
    list.add({
      kind: 'put',
      title: alreadyOff ? `Keep NSG flow log ${flowLog.name} disabled` : `Disable NSG flow log ${flowLog.name} on ${source.nsgName}`,
      resourceId: flowLog.armId,
      resourceType: flowLogType,
      apiVersion: networkApiVersion,
      body: existingFlowLogBody(flowLog, false),
      dependsOn: source.targets.map((target) => actionByTarget.get(target.id)).filter((id): id is string => id !== undefined),
      tenantId,
      existing: alreadyOff ? 'same' : 'differs',
      undo: { kind: 'put', body: existingFlowLogBody(flowLog, true) },
      impact: 'The NSG flow log stops recording; its blobs stay in storage.',
      ...(alreadyOff ? {} : { confirm: `Disable NSG flow log ${flowLog.name} now? Keeping both doubles the records and the cost.` }),
    });
  }
  return {
    kind: 'migrateNsgFlowLogs',
    title: sources.length === 1 ? `Migrate NSG flow log ${sources[0].flowLog.name} to VNet flow logs` : `Migrate ${sources.length} NSG flow logs to VNet flow logs`,
    summary: [
      `NSG flow logs: ${sources.map((source) => `${source.flowLog.name} on ${source.nsgName}`).join(', ')}.`,
      `VNet flow log targets: ${allTargets.map((target) => target.name).join(', ') || 'none'}.`,
      'Each new VNet flow log keeps its NSG flow log\'s storage account, retention and Traffic Analytics settings; the NSG flow logs are disabled last, after a confirmation.',
    ],
    checks,
    warnings: [doubleCostWarning, 'No new NSG flow logs since 30 June 2025; NSG flow logs retire on 30 September 2027.'],
    actions: list.actions,
    estimate: estimateFlowLogGroups(estimateGroups, flowsPerHourPerNic),
  };
}

function analyticsInterval(flowLog: ExistingFlowLog): { trafficAnalyticsIntervalMinutes?: number } {
  return flowLog.trafficAnalytics.enabled && flowLog.trafficAnalytics.workspaceResourceId ? { trafficAnalyticsIntervalMinutes: flowLog.trafficAnalytics.intervalMinutes ?? 60 } : {};
}
