/**
 * A plan is data: the Azure operations a wizard will run, in order, with their request bodies and
 * dependencies, the prerequisite checks it ran and their results, and the warnings to read before
 * Apply. Plan builders are pure functions of the answers and the inventory; the preview, the Azure
 * CLI script and the Bicep file are all generated from this one value. No `vscode` import here.
 */

/** `put` creates or updates `resourceId` with `body`; `delete` removes it; `post` invokes `operation` on it. */
export type ActionKind = 'put' | 'delete' | 'post';

/** How to reverse an action this plan carried out ("Undo Created"). */
export type UndoStep =
  | { kind: 'delete' }
  | { kind: 'put'; body: Record<string, unknown> }
  | { kind: 'post'; operation: string }
  | { kind: 'none'; reason: string };

export interface PlanAction {
  /** Unique within the plan (`a1`, `a2`, …); `dependsOn` names these. */
  id: string;
  kind: ActionKind;
  /** What a person reads: "Create tap configuration tap-to-collector on nic-web-1". */
  title: string;
  /** The ARM id as Azure spells it: the resource a `put`/`delete` writes, or the one a `post` acts on. */
  resourceId: string;
  /** ARM resource type, e.g. `Microsoft.Network/networkInterfaces/tapConfigurations` (`Microsoft.Resources/resourceGroups`, `Microsoft.Resources/providers` for a registration). */
  resourceType: string;
  /** The api-version the request is sent with (and the Bicep resource is declared at). */
  apiVersion: string;
  /** For `post`: the operation's path segment after the resource id, e.g. `deallocate`, `start`, `register`, `stop`. */
  operation?: string;
  /** Query parameters sent besides `api-version`, e.g. `{ syncRemoteAddressSpace: 'true' }` for a peering sync PUT. */
  query?: Record<string, string>;
  /** For `put`: the full ARM request body (`location`, `properties`, …). */
  body?: Record<string, unknown>;
  /** Ids of actions that must have succeeded (or been kept) before this one starts. */
  dependsOn: string[];
  /** The tenant whose token sends it. */
  tenantId: string;
  /** Other tenants whose tokens go in `x-ms-authorization-auxiliary` (cross-tenant peering). */
  auxiliaryTenantIds?: string[];
  /**
   * What planning found in Azure: `absent` (it will be created), `differs` (it will be updated),
   * `same` (already as planned: kept, nothing is sent; a re-run of an applied plan is all `same`).
   */
  existing: 'absent' | 'differs' | 'same';
  /** How "Undo Created" reverses it once it succeeded; default for a `put` of something absent is delete. */
  undo?: UndoStep;
  /** Downtime, cost or risk this action causes, shown next to it in the preview. */
  impact?: string;
  /** When set, Apply asks this question before running the action (e.g. disabling NSG flow logs after migrating). */
  confirm?: string;
}

export type CheckStatus = 'passed' | 'failed' | 'warning' | 'fixed';

/** One prerequisite check: `failed` blocks Apply; `fixed` means the plan holds actions that fix it. */
export interface PlanCheck {
  id: string;
  title: string;
  status: CheckStatus;
  /** Why it passed or failed, naming the resources, e.g. "nic-web-1 is in westus2, the TAP in eastus". */
  detail: string;
  /** For `fixed`: the actions the plan added to fix it. */
  fixedBy?: string[];
}

export type PlanKind = 'tap' | 'removeTap' | 'peering' | 'syncPeering' | 'flowLogs' | 'migrateNsgFlowLogs' | 'packetCapture' | 'monitoringSetUp';

/** An estimate (data volume, monthly cost), always labelled as such, with the inputs it used. */
export interface PlanEstimate {
  title: string;
  lines: string[];
  inputs: string[];
}

/**
 * A wizard that fixes what a failed check names, offered in the review: "Peer with Hub…" for a
 * source VNet not peered with the destination's. Data only; the host starts the command as if it had
 * been chosen on the rows `resourceIds` name.
 */
export interface PlanRemedy {
  /** Unique within the plan; the review's choice is `fix:<id>`. */
  id: string;
  /** The command's title: "Peer with Hub…". */
  label: string;
  /** What it starts with: "vnet-hub with vnet-dev-spoke". */
  detail: string;
  /** The command id, e.g. `trafficLens.createPeering`. */
  command: string;
  /** ARM ids of the rows it starts on; the first one is the row right-clicked (the hub of a peering). */
  resourceIds: string[];
}

export interface Plan {
  kind: PlanKind;
  /** "Mirror 3 NICs to collector-nic (virtual network TAP tap-collector)". */
  title: string;
  /** A few lines stating what the plan does, for the top of the preview. */
  summary: string[];
  checks: PlanCheck[];
  warnings: string[];
  /** In the order they may run; each one's `dependsOn` refers only to earlier actions. */
  actions: PlanAction[];
  estimate?: PlanEstimate;
  /** Wizards that fix failed checks, offered in the review. */
  remedies?: PlanRemedy[];
}

/** True when a check failed: the preview shows why and Apply is not offered. */
export function isBlocked(plan: Plan): boolean {
  return plan.checks.some((check) => check.status === 'failed');
}

/** The VMs Apply stops (deallocates): each one is downtime. */
export function deallocations(plan: Plan): PlanAction[] {
  return actionsToSend(plan).filter((action) => action.kind === 'post' && action.operation === 'deallocate');
}

/** The actions Apply sends: everything not already as planned. */
export function actionsToSend(plan: Plan): PlanAction[] {
  return plan.actions.filter((action) => action.existing !== 'same');
}

/** What happened to one action when a plan was applied. */
export type ActionStatus = 'pending' | 'running' | 'succeeded' | 'kept' | 'failed' | 'skipped' | 'cancelled' | 'undone';

export interface ActionOutcome {
  actionId: string;
  status: ActionStatus;
  /** Azure's error code (`VnetAddressSpacesOverlap`, `SubscriptionRequestsThrottled`, …) when it failed. */
  code?: string;
  message?: string;
  /** Requests sent for it, retries included. */
  attempts: number;
  /** ISO times. */
  startedAt?: string;
  endedAt?: string;
}

export interface ApplyReport {
  plan: Plan;
  outcomes: ActionOutcome[];
  /** True when every action succeeded or was kept. */
  complete: boolean;
}

/** `…/virtualNetworks/{name}` of an id that is a virtual network or lies under one, lower-cased; else undefined. */
function virtualNetworkOf(resourceId: string): string | undefined {
  return /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.network\/virtualnetworks\/[^/]+)(\/|$)/i.exec(resourceId)?.[1]?.toLowerCase();
}

/**
 * Makes the writes to one virtual network (the VNet itself, its peerings and subnets) run one after
 * another, in plan order: Azure refuses a second write while one is in flight on the same VNet
 * (`AnotherOperationInProgress`). Each such action depends on the previous one on its VNet; actions
 * on different VNets stay parallel. Only edges from earlier to later actions are added.
 */
export function serializeVirtualNetworkWrites(actions: PlanAction[]): PlanAction[] {
  const last = new Map<string, string>();
  return actions.map((action) => {
    const vnet = virtualNetworkOf(action.resourceId);
    if (vnet === undefined) {
      return action;
    }
    const previous = last.get(vnet);
    last.set(vnet, action.id);
    return previous === undefined || action.dependsOn.includes(previous) ? action : { ...action, dependsOn: [...action.dependsOn, previous] };
  });
}

/** How an action is reversed: its `undo`, else delete for a `put` that created something, else nothing. */
export function undoStepOf(action: PlanAction): UndoStep {
  if (action.undo) {
    return action.undo;
  }
  if (action.kind === 'put' && action.existing === 'absent') {
    return { kind: 'delete' };
  }
  return { kind: 'none', reason: action.kind === 'put' ? 'It updated a resource that existed before.' : `A ${action.kind} cannot be reversed.` };
}
