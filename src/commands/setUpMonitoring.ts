import * as vscode from 'vscode';
import { nameOf, parentId, resourceTypeOf } from '../azure/armIds';
import { armFailure, problemLogLine, toArmProblem } from '../azure/armProblem';
import { ComputeReads } from '../azure/computeReads';
import { FlowLogReads } from '../azure/flowLogsReads';
import { ResourceReads } from '../azure/resourceReads';
import { VirtualWanReads, type VirtualHubFact } from '../azure/virtualWanReads';
import type { ApplyReport, Plan } from '../core/plan';
import type { EstateSubscription } from '../inventory/estate';
import { resourcesOf } from '../tree/treeNode';
import { readCollectorFacts, type CollectorQuestionsEstate, type SubnetChoice } from '../wizards/collector/collectorFacts';
import { collectorQuestionsEstate } from './collectorQuestionsEstate';
import { collectorAnswersOf, collectorQuestions, initialCollectorDraft, type CollectorDraft } from '../wizards/collector/gather';
import { collectorIds, ipConfigurationName, type CollectorAnswers } from '../wizards/collector/collectorModel';
import { planCollector } from '../wizards/collector/plan';
import type { FlowLogEstate } from '../wizards/flowLogs/flowLogEstate';
import { flowLogQuestions, flowLogSeedOf, type FlowLogDraft } from '../wizards/flowLogs/gather';
import { planFlowLogs, storageArmIdOf } from '../wizards/flowLogs/plan';
import { peeringVnetOf, type PeeringVnet } from '../wizards/peering/peeringVnet';
import { estateEntryOf } from '../wizards/shared/estate';
import { AnswerTrail, askQuestions, liftQuestions, type Question } from '../wizards/shared/questions';
import type { WizardContext } from '../wizards/shared/wizardContext';
import { back, type WizardUi } from '../wizards/shared/wizardUi';
import { planFlowLogSetUp, type FlowLogCollector } from '../wizards/setup/flowLogSetUpPlan';
import { roleAssignmentType } from '../wizards/shared/roleAssignments';
import { mirrorQuestions, mirrorSetUpOf, newChoice, placementOf, type CollectorPlacement, type MirrorDraft, type MirrorQuestionsEstate } from '../wizards/setup/mirrorGather';
import { planMirrorSetUp, type CollectorChoice, type MirrorOption } from '../wizards/setup/mirrorPlan';
import { monitoringOptions, type MonitoringOptionId } from '../wizards/setup/options';
import type { TapEstate } from '../wizards/tap/tapModel';
import { flowLogEstateFor } from './enableFlowLogs';
import { tapEstateFor } from './createTap';
import type { LensCommand } from './lensCommand';

/** Option 3's own answers besides the flow-log questions: the collector that reads the logs. */
interface FlowLogCollectorDraft {
  /** A VM id (lower case) or `newChoice`. */
  choice?: string;
  collector: CollectorDraft;
}

interface SetUpDraft {
  option?: MonitoringOptionId;
  mirror: MirrorDraft<CollectorDraft>;
  flowLogs: FlowLogDraft;
  reader: FlowLogCollectorDraft;
}

/** What each option reads before its questions, read once when the option is first chosen. */
interface SetUpEstates {
  subscriptions: EstateSubscription[];
  collector: CollectorQuestionsEstate;
  mirror?: MirrorQuestionsEstate;
  flowLogs?: FlowLogEstate;
}

const isMirror = (option: MonitoringOptionId | undefined): option is MirrorOption => option === '1A' || option === '1B' || option === '1C';

/** The collector questions' estate with a subnet the plan creates (a new hub's), so they can place the VM there. */
function withPlannedSubnet(estate: CollectorQuestionsEstate, placement: CollectorPlacement, mirror: MirrorQuestionsEstate): CollectorQuestionsEstate {
  const planned = placement.plannedSubnet;
  if (planned === undefined || estate.subnets.some((subnet) => subnet.id === planned.armId.toLowerCase())) {
    return estate;
  }
  const subscription = mirror.subscriptions.find((entry) => entry.subscriptionId.toLowerCase() === placement.subscriptionId);
  const vnetArmId = parentId(planned.armId);
  const choice: SubnetChoice = {
    id: planned.armId.toLowerCase(),
    armId: planned.armId,
    name: nameOf(planned.armId),
    vnetName: nameOf(vnetArmId),
    vnetArmId,
    vnetAddressSpace: [planned.addressPrefix],
    vnetResourceGroup: planned.resourceGroup,
    location: planned.location,
    addressPrefixes: [planned.addressPrefix],
    subscriptionId: subscription?.subscriptionId ?? placement.subscriptionId,
    subscriptionName: subscription?.displayName ?? placement.subscriptionId,
    tenantId: subscription?.tenantId ?? '',
  };
  return { ...estate, subnets: [...estate.subnets, choice] };
}

/** The address spaces of the networks the chosen NICs are in: who sends VXLAN to the collector. */
function sourcePrefixesOf(draft: MirrorDraft<CollectorDraft>, mirror: MirrorQuestionsEstate): string[] {
  const vnets = new Set(mirror.tap.nics.filter((nic) => draft.sourceIds?.includes(nic.id)).map((nic) => (nic.subnetIds[0] ? parentId(nic.subnetIds[0]) : '')));
  return [...new Set(mirror.vnets.filter((vnet) => vnets.has(vnet.id)).flatMap((vnet) => vnet.addressSpace))];
}

/** Virtual WAN hubs of every shown subscription; a subscription whose hubs can't be listed is logged and left out. */
async function virtualHubsOf(context: WizardContext, subscriptions: readonly EstateSubscription[]): Promise<VirtualHubFact[]> {
  const lists = await Promise.all(
    subscriptions.map(async ({ subscription, account }) => {
      try {
        return await new VirtualWanReads(account).virtualHubs(subscription.subscriptionId, subscription.tenantId);
      } catch (error) {
        context.log.warn(problemLogLine(`Set up monitoring: listing the Virtual WAN hubs of ${subscription.displayName}`, toArmProblem(error)));
        return [];
      }
    }),
  );
  return lists.flat();
}

/** NICs to mirror from the rows: NICs, or every NIC of a subnet or VNet. */
function seededSources(armIds: readonly string[], tap: TapEstate): string[] {
  const ids = new Set<string>();
  for (const armId of armIds.map((id) => id.toLowerCase())) {
    const type = resourceTypeOf(armId);
    for (const nic of tap.nics) {
      if ((type === 'microsoft.network/networkinterfaces' && nic.id === armId) || (type === 'microsoft.network/virtualnetworks/subnets' && nic.subnetIds.includes(armId)) || (type === 'microsoft.network/virtualnetworks' && nic.subnetIds.some((subnet) => parentId(subnet) === armId))) {
        ids.add(nic.id);
      }
    }
  }
  return [...ids];
}

/**
 * "Set Up Traffic Monitoring…": asks what the user wants (the five deployment options, each with
 * what it shows, costs and takes in downtime), gathers only what that option needs, and reviews ONE
 * plan. Option 2 is the packet-capture wizard, started from here.
 */
export function setUpMonitoringCommand(context: WizardContext): LensCommand {
  return {
    id: 'trafficLens.setUpMonitoring',
    async run(node?: unknown, selection?: unknown): Promise<ApplyReport | undefined> {
      const armIds = resourcesOf(node, selection).map((resource) => resource.armId);
      const subscriptions = await context.estate();
      if (subscriptions.length === 0) {
        throw new Error('Sign in to Azure and show at least one subscription in the Azure Traffic Lens view to set up monitoring.');
      }
      const estates: SetUpEstates = { subscriptions, collector: await collectorQuestionsEstate(context, subscriptions) };
      const ui = context.ui();
      const trail = new AnswerTrail();
      const initial: SetUpDraft = { mirror: { option: '1A', collector: {} }, flowLogs: {}, reader: { collector: {} } };
      for (;;) {
        const draft = await askQuestions((current: SetUpDraft) => setUpQuestions(ui, current, estates, armIds, context), initial, trail);
        if (draft === undefined || draft.option === undefined) {
          return undefined;
        }
        if (draft.option === '2') {
          return (await vscode.commands.executeCommand('trafficLens.startPacketCapture', node, selection)) as ApplyReport | undefined;
        }
        const plan = await planFor(draft, estates, armIds, context);
        const result = await context.reviewOrBack(plan, { canGoBack: trail.canGoBack });
        if (result !== back) {
          return result;
        }
      }
    },
  };
}

/** Every question of the set-up: the option, then that option's questions. */
function setUpQuestions(ui: WizardUi, draft: SetUpDraft, estates: SetUpEstates, armIds: readonly string[], context: WizardContext): Question<SetUpDraft>[] {
  const option: Question<SetUpDraft> = {
    id: 'setup.option',
    shouldAsk: () => true,
    ask: async (current, step) => {
      const answer = await ui.pick<MonitoringOptionId>({
        id: 'setup.option',
        title: 'Set Up Traffic Monitoring',
        ...step,
        placeholder: 'What do you want to see? Each option: what it shows · what it costs · downtime',
        items: monitoringOptions.map((entry) => ({
          label: `${entry.id} · ${entry.label}`,
          detail: entry.brief,
          value: entry.id,
          picked: entry.id === current.option,
        })),
      });
      if (answer === back || answer === undefined) {
        return answer;
      }
      await loadEstates(answer, estates, context);
      if (isMirror(answer) && estates.mirror) {
        const sourceIds = seededSources(armIds, estates.mirror.tap);
        const mirror = answer === current.mirror.option ? current.mirror : { option: answer, collector: {}, ...(sourceIds.length > 0 ? { sourceIds } : {}) };
        return { ...current, option: answer, mirror };
      }
      return { ...current, option: answer };
    },
  };
  const questions: Question<SetUpDraft>[] = [option];
  const { mirror, flowLogs } = estates;
  if (isMirror(draft.option) && mirror) {
    const embedded = {
      questions: (placement: CollectorPlacement) => collectorQuestions(ui, withPlannedSubnet(estates.collector, placement, mirror), placement.plannedSubnet ? { subnetId: placement.plannedSubnet.armId } : { vnetId: placement.vnetId }),
      start: (placement: CollectorPlacement) => {
        const collectorEstate = withPlannedSubnet(estates.collector, placement, mirror);
        const start = initialCollectorDraft(collectorEstate, placement.plannedSubnet ? { subnetId: placement.plannedSubnet.armId } : { vnetId: placement.vnetId });
        const prefixes = sourcePrefixesOf(draft.mirror, mirror);
        return prefixes.length > 0 ? { ...start, sourcePrefixes: prefixes } : start;
      },
      nameOf: (collector: CollectorDraft) => collector.vmName,
    };
    questions.push(...liftQuestions(mirrorQuestions(ui, mirror, embedded)(draft.mirror), (current: SetUpDraft) => current.mirror, (current, part) => ({ ...current, mirror: part }), (current) => isMirror(current.option)));
  }
  if (draft.option === '3' && flowLogs) {
    const flow = flowLogQuestions(ui, flowLogs, flowLogSeedOf(armIds));
    questions.push(...liftQuestions(flow.questions, (current: SetUpDraft) => current.flowLogs, (current, part) => ({ ...current, flowLogs: part }), (current) => current.option === '3'));
    questions.push(readerQuestion(ui, estates));
    questions.push(
      ...liftQuestions(
        collectorQuestions(ui, estates.collector, {}),
        (current: SetUpDraft) => current.reader.collector,
        (current, part) => ({ ...current, reader: { ...current.reader, collector: part } }),
        (current) => current.option === '3' && current.reader.choice === newChoice,
      ),
    );
  }
  return questions;
}

/** Option 3: which VM reads the flow logs, a new collector or a VM that exists. */
function readerQuestion(ui: WizardUi, estates: SetUpEstates): Question<SetUpDraft> {
  return {
    id: 'setup.flowLogCollector',
    shouldAsk: (draft) => draft.option === '3',
    ask: async (current, step) => {
      const vms = new Map<string, string>();
      for (const entry of estates.subscriptions) {
        for (const nic of entry.inventory.index().nicsById.values()) {
          if (nic.virtualMachineId) {
            vms.set(nic.virtualMachineId.toLowerCase(), nic.virtualMachineName ?? nameOf(nic.virtualMachineId));
          }
        }
      }
      const answer = await ui.pick<string>({
        id: 'setup.flowLogCollector',
        title: 'Set Up Traffic Monitoring — flow logs with a collector',
        ...step,
        placeholder: 'Which VM reads the flow logs? Its managed identity is granted Storage Blob Data Reader on the storage account.',
        items: [
          { label: 'New collector VM…', description: 'Ubuntu LTS with a system-assigned managed identity', value: newChoice, picked: current.reader.choice === newChoice },
          ...[...vms.entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => ({ label: name, description: 'existing VM', value: id, picked: id === current.reader.choice })),
        ],
      });
      return answer === back || answer === undefined ? answer : { ...current, reader: { choice: answer, collector: answer === current.reader.choice ? current.reader.collector : {} } };
    },
  };
}

/** Reads what an option's questions offer, once. */
async function loadEstates(option: MonitoringOptionId, estates: SetUpEstates, context: WizardContext): Promise<void> {
  if (isMirror(option) && estates.mirror === undefined) {
    // The TAP estate reloads each subscription's networks; the peering view is made from that same
    // list (a second reload running alongside would empty the index the first one reads).
    const [tap, virtualHubs] = await Promise.all([tapEstateFor(context), option === '1C' ? virtualHubsOf(context, estates.subscriptions) : Promise.resolve([])]);
    const vnets = estates.subscriptions
      .flatMap((entry) => [...entry.inventory.index().vnetsById.values()].map((vnet) => peeringVnetOf(vnet, entry.subscription)))
      .sort((a, b) => a.name.localeCompare(b.name) || a.subscriptionName.localeCompare(b.subscriptionName));
    estates.mirror = {
      subscriptions: estates.subscriptions.map(({ subscription }) => ({ subscriptionId: subscription.subscriptionId, displayName: subscription.displayName, tenantId: subscription.tenantId })),
      tap,
      vnets,
      virtualHubs,
    };
  } else if (option === '1C' && estates.mirror !== undefined && estates.mirror.virtualHubs.length === 0) {
    estates.mirror.virtualHubs = await virtualHubsOf(context, estates.subscriptions);
  }
  if (option === '3' && estates.flowLogs === undefined) {
    estates.flowLogs = await flowLogEstateFor(context);
  }
}

/** The collector's plan and answers for a finished collector draft. */
async function collectorPlanFor(answers: CollectorAnswers | undefined, estates: SetUpEstates, context: WizardContext): Promise<{ plan: Plan; answers: CollectorAnswers }> {
  if (answers === undefined) {
    throw new Error('The collector VM\u2019s answers are incomplete; run Set Up Traffic Monitoring again.');
  }
  let facts;
  try {
    facts = await readCollectorFacts(estates.subscriptions, answers);
  } catch (error) {
    throw armFailure(context.log, `Reading sizes, quotas and image of ${answers.region} for collector VM ${answers.vmName}`, `read what collector VM ${answers.vmName} needs in ${answers.region}`, error);
  }
  return { plan: planCollector(answers, facts), answers };
}

/** The one plan of the chosen option. */
async function planFor(draft: SetUpDraft, estates: SetUpEstates, armIds: readonly string[], context: WizardContext): Promise<Plan> {
  if (isMirror(draft.option) && estates.mirror) {
    return planMirror(draft.mirror, estates.mirror, estates, context);
  }
  if (draft.option === '3' && estates.flowLogs) {
    return planFlowLogOption(draft, estates.flowLogs, estates, armIds, context);
  }
  throw new Error(`Option ${draft.option ?? '(none)'} has no plan.`);
}

async function planMirror(draft: MirrorDraft<CollectorDraft>, mirror: MirrorQuestionsEstate, estates: SetUpEstates, context: WizardContext): Promise<Plan> {
  const placement = placementOf(draft, mirror);
  const subscriptionId = placement?.subscriptionId;
  const entry = subscriptionId === undefined ? undefined : estateEntryOf(estates.subscriptions, subscriptionId);
  if (placement === undefined || entry === undefined) {
    throw new Error('The collector\u2019s subscription is no longer shown in the tree; select it with "Select Subscriptions…" and try again.');
  }
  let hubGroupExists = false;
  if (placement.plannedSubnet !== undefined) {
    const { subscription, account } = entry;
    try {
      hubGroupExists = (await new FlowLogReads(account).resourceGroupLocation(subscription.subscriptionId, subscription.tenantId, placement.plannedSubnet.resourceGroup)) !== undefined;
    } catch (error) {
      throw armFailure(context.log, `Reading resource group ${placement.plannedSubnet.resourceGroup} of ${subscription.displayName}`, `read resource group ${placement.plannedSubnet.resourceGroup}`, error);
    }
  }
  let collector: CollectorChoice;
  if (draft.collectorChoice === newChoice) {
    const collectorEstate = withPlannedSubnet(estates.collector, placement, mirror);
    const answered = collectorAnswersOf(draft.collector, collectorEstate);
    const planned = placement.plannedSubnet !== undefined;
    // The new hub's resource group is created by the hub's part when missing; the collector's part then creates nothing more there.
    const answers = answered && planned ? { ...answered, subnetPlanned: true, resourceGroupIsNew: answered.resourceGroupIsNew || (answered.resourceGroup.toLowerCase() === placement.plannedSubnet?.resourceGroup.toLowerCase() && !hubGroupExists) } : answered;
    const { plan, answers: used } = await collectorPlanFor(answers, estates, context);
    const ids = collectorIds(used);
    collector = {
      kind: 'new',
      plan,
      nic: {
        nicArmId: ids.nicId,
        ipConfigurationName,
        vmName: used.vmName,
        subnetArmId: used.subnetId,
        subscriptionId: used.subscriptionId,
        subscriptionName: used.subscriptionName ?? used.subscriptionId,
        tenantId: used.tenantId,
        resourceGroup: used.resourceGroup,
        location: used.region,
        nsgArmId: ids.nsgId,
      },
    };
  } else if (draft.collectorChoice !== undefined) {
    collector = { kind: 'existing', destinationId: draft.collectorChoice };
  } else {
    throw new Error('No collector was chosen; run Set Up Traffic Monitoring again.');
  }
  const setUp = mirrorSetUpOf(draft, mirror, collector, hubGroupExists);
  if (setUp === undefined) {
    throw new Error('Some answers are missing; run Set Up Traffic Monitoring again.');
  }
  return planMirrorSetUp(setUp, { tap: mirror.tap, vnets: mirror.vnets as PeeringVnet[] });
}

async function planFlowLogOption(draft: SetUpDraft, flowLogs: FlowLogEstate, estates: SetUpEstates, armIds: readonly string[], context: WizardContext): Promise<Plan> {
  // The same seed as the questions had: targets taken from the rows are not in the draft.
  const flow = flowLogQuestions(context.ui(), flowLogs, flowLogSeedOf(armIds));
  const answers = flow.answersOf(draft.flowLogs);
  if (answers === undefined) {
    throw new Error('No flow-log target was chosen; run Set Up Traffic Monitoring again.');
  }
  const flowPlan = planFlowLogs(answers, await flowLogs.factsFor(answers.targets));
  const storageArmId = storageArmIdOf(answers.storage);
  const storageSubscription = answers.storage.kind === 'existing' ? answers.storage.account.subscriptionId : answers.storage.subscriptionId;
  const storageTenantId = estateEntryOf(estates.subscriptions, storageSubscription)?.subscription.tenantId ?? answers.targets[0].tenantId;
  let collector: FlowLogCollector;
  if (draft.reader.choice === newChoice) {
    const { plan, answers: used } = await collectorPlanFor(collectorAnswersOf(draft.reader.collector, estates.collector), estates, context);
    collector = { kind: 'new', plan, vmArmId: collectorIds(used).vmId };
  } else if (draft.reader.choice !== undefined) {
    const entry = estateEntryOf(estates.subscriptions, draft.reader.choice);
    if (entry === undefined) {
      throw new Error(`The subscription of ${nameOf(draft.reader.choice)} is no longer shown in the tree.`);
    }
    let sizing;
    try {
      sizing = await new ComputeReads(entry.account).vmSizing(draft.reader.choice, entry.subscription.tenantId);
    } catch (error) {
      throw armFailure(context.log, `Reading VM ${nameOf(draft.reader.choice)}`, `read VM ${nameOf(draft.reader.choice)}`, error);
    }
    collector = { kind: 'existing', vmArmId: sizing.armId, tenantId: entry.subscription.tenantId, ...(sizing.principalId ? { principalId: sizing.principalId } : {}) };
  } else {
    throw new Error('No collector was chosen; run Set Up Traffic Monitoring again.');
  }
  const plan = planFlowLogSetUp({ flowLogs: flowPlan, storageArmId, storageTenantId, collector });
  // A grant from an earlier run has the same name: kept, not sent again, and never undone as if this plan made it.
  const grant = plan.actions.find((action) => action.resourceType === roleAssignmentType);
  const storageEntry = estateEntryOf(estates.subscriptions, storageArmId);
  if (grant === undefined || storageEntry === undefined) {
    return plan;
  }
  let grantExists;
  try {
    grantExists = await new ResourceReads(storageEntry.account).exists(grant.resourceId, grant.tenantId, grant.apiVersion);
  } catch (error) {
    throw armFailure(context.log, `Reading role assignment ${nameOf(grant.resourceId)} on ${nameOf(storageArmId)}`, `read the role assignments of ${nameOf(storageArmId)}`, error);
  }
  return grantExists ? planFlowLogSetUp({ flowLogs: flowPlan, storageArmId, storageTenantId, collector, grantExists }) : plan;
}
