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
  /** For `put`: the full ARM request body (`location`, `properties`, …), without the values `bodyFrom` fills in. */
  body?: Record<string, unknown>;
  /**
   * Values of `body` known only once an earlier action has run (the principal of a managed identity
   * the plan creates): Apply fills each one in from what that action produced before sending this one.
   */
  bodyFrom?: BodyReference[];
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
  /**
   * Body fields (dotted paths such as `properties.osProfile.customData`) that hold the base64 of a
   * file on the user's machine, e.g. a VM's cloud-init file: the CLI script and Bicep read the file
   * by its path instead of copying its content, which may hold a vendor's registration token.
   */
  fileFields?: Array<{ field: string; path: string }>;
}

/** `body` with the value at a dotted `field` path replaced (objects along the path copied, not changed). */
export function withBodyField(body: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = field.split('.');
  const inner = body[head];
  return {
    ...body,
    [head]: rest.length === 0 ? value : withBodyField(typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest.join('.'), value),
  };
}

/**
 * One value of an action's body taken from the resource an earlier action of the same plan produced
 * (or kept): `{ path: 'properties.principalId', fromAction: 'a2', property: 'identity.principalId',
 * describe: "the principal of vm-collector's managed identity" }`.
 */
export interface BodyReference {
  /** Dotted path into this action's body where the value goes, e.g. `properties.principalId`. */
  path: string;
  /** The id of an earlier `put` of the plan; it must be in this action's `dependsOn`. */
  fromAction: string;
  /** Dotted path into the resource that action wrote, as Azure returns it (array items by index), e.g. `identity.principalId`. */
  property: string;
  /** What the value is, for the preview and error messages: "the principal of vm-collector's managed identity". */
  describe: string;
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

export type PlanKind = 'tap' | 'removeTap' | 'peering' | 'syncPeering' | 'flowLogs' | 'migrateNsgFlowLogs' | 'packetCapture' | 'collectorVm' | 'acceleratedNetworking' | 'monitoringSetUp' | 'tightenNsg';

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
  /**
   * For a succeeded or kept `put` that later actions reference: the values they take from it, by
   * `BodyReference.property` (`{ 'identity.principalId': '…' }`). Only referenced properties are kept,
   * so Retry Remaining can fill them in without reading the resource again.
   */
  outputs?: Record<string, unknown>;
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

/** Keys whose values are secrets: never referenced, kept in a report, or written into a script or template. */
const secretKeys = new Set(['protectedsettings', 'password', 'adminpassword', 'secret', 'clientsecret', 'customdata', 'keys', 'primarykey', 'secondarykey', 'connectionstring']);

/** True when a dotted path names a secret (`properties.osProfile.adminPassword`). */
export function isSecretPath(path: string): boolean {
  return path.split('.').some((segment) => secretKeys.has(segment.toLowerCase()));
}

function pathSegments(path: string): string[] {
  return path.split('.');
}

/** The value at a dotted path (`identity.principalId`, `properties.ipConfigurations.0.id`); undefined when any step is missing. */
export function valueAtPath(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of pathSegments(path)) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, segment)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A copy of `body` with `value` set at the dotted `path`, creating the objects on the way. */
export function withValueAtPath(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const segments = pathSegments(path);
  let current: Record<string, unknown> = copy;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (typeof next !== 'object' || next === null) {
      current[segment] = {};
    }
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]] = value;
  return copy;
}

/** The body Apply sends: `action.body` with each `bodyFrom` value filled in by `valueOf`. */
export function fillReferences(action: PlanAction, valueOf: (reference: BodyReference) => unknown): Record<string, unknown> {
  let body = action.body ?? {};
  for (const reference of action.bodyFrom ?? []) {
    body = withValueAtPath(body, reference.path, valueOf(reference));
  }
  return body;
}

/** The properties later actions take from `actionId`'s resource (what Apply keeps of it), in plan order, without repeats. */
export function referencedProperties(plan: Plan, actionId: string): string[] {
  return [...new Set(plan.actions.flatMap((action) => (action.bodyFrom ?? []).filter((reference) => reference.fromAction === actionId).map((reference) => reference.property)))];
}

/** The last segment of an ARM id (core stays free of the azure layer's helpers). */
function lastName(resourceId: string): string {
  return resourceId.split('/').filter((part) => part !== '').pop() ?? resourceId;
}

/**
 * What the preview shows where a referenced value goes:
 * `<the principal of vm-collector's managed identity, known after vm-collector is created>`.
 */
export function referencePlaceholder(reference: BodyReference, source: PlanAction | undefined): string {
  if (source === undefined) {
    return `<${reference.describe}>`;
  }
  const name = lastName(source.resourceId);
  const when = source.existing === 'same' ? `read from ${name} on Apply` : `known after ${name} is ${source.existing === 'absent' ? 'created' : 'updated'}`;
  return `<${reference.describe}, ${when}>`;
}

/** The body as the preview shows it: each referenced value as its placeholder. */
export function bodyWithPlaceholders(plan: Plan, action: PlanAction): Record<string, unknown> {
  const byId = new Map(plan.actions.map((candidate) => [candidate.id, candidate]));
  return fillReferences(action, (reference) => referencePlaceholder(reference, byId.get(reference.fromAction)));
}

/**
 * What is wrong with the plan's body references, one sentence each naming the action: a reference to
 * an action that is not an earlier `put` listed in `dependsOn`, an empty or repeated path, or a
 * property that is a secret. Apply fails such actions instead of sending them.
 */
export function referenceProblems(plan: Plan): Array<{ actionId: string; message: string }> {
  const problems: Array<{ actionId: string; message: string }> = [];
  const position = new Map(plan.actions.map((action, index) => [action.id, index]));
  plan.actions.forEach((action, index) => {
    const paths = new Set<string>();
    for (const reference of action.bodyFrom ?? []) {
      const where = `"${action.title}" takes ${reference.describe} (${reference.path})`;
      const sourceIndex = position.get(reference.fromAction);
      const source = sourceIndex === undefined ? undefined : plan.actions[sourceIndex];
      if (action.kind !== 'put') {
        problems.push({ actionId: action.id, message: `${where}, but only a put has a body to fill in.` });
      }
      if (reference.path.trim() === '' || reference.property.trim() === '' || pathSegments(reference.path).some((segment) => segment === '') || pathSegments(reference.property).some((segment) => segment === '')) {
        problems.push({ actionId: action.id, message: `${where}: the path and the property must be dotted names without empty parts.` });
      }
      if (paths.has(reference.path)) {
        problems.push({ actionId: action.id, message: `${where}: another reference fills the same path.` });
      }
      paths.add(reference.path);
      if (source === undefined) {
        problems.push({ actionId: action.id, message: `${where} from action ${reference.fromAction}, which the plan does not have.` });
        continue;
      }
      if (sourceIndex! >= index) {
        problems.push({ actionId: action.id, message: `${where} from "${source.title}", which comes after it.` });
      }
      if (source.kind !== 'put') {
        problems.push({ actionId: action.id, message: `${where} from "${source.title}", which is a ${source.kind} and produces no resource.` });
      }
      if (!action.dependsOn.includes(source.id)) {
        problems.push({ actionId: action.id, message: `${where} from "${source.title}", but does not depend on it (add ${source.id} to dependsOn).` });
      }
      if (isSecretPath(reference.property)) {
        problems.push({ actionId: action.id, message: `${where} from ${reference.property} of "${source.title}", which is a secret; secrets are never carried between actions.` });
      }
    }
  });
  return problems;
}
