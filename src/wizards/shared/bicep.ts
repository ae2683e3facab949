/**
 * "Save as Bicep": turns a plan into `main.bicep` (subscription scope) plus one module per resource
 * group it writes into. Each `put` becomes a resource declared at the plan's api-version with the
 * request body as its value; child resources (tap configurations, peerings, flow logs, security
 * rules) name an `existing` parent. What a template cannot express (`post` operations, deletes,
 * requests with extra query parameters) is listed at the top of main.bicep as steps to run with
 * Azure CLI, before or after the deployment. Pure; no `vscode` import.
 */
import { parentId } from '../../azure/armIds';
import { parseArmPath, shortSubscription } from './armPath';
import { azCommandFor, commentText, renderAzCommand, withoutSecrets, type CliScriptOptions } from './cliScript';
import { bodyWithPlaceholders, withBodyField, type Plan, type PlanAction } from '../../core/plan';
import { computeApiVersion, networkApiVersion, storageApiVersion } from './apiVersions';

export interface BicepFile {
  /** Relative to the folder the files are saved in: `main.bicep`, `modules/8b1d4e72-rg-network.bicep`. */
  path: string;
  content: string;
}

export interface BicepExport {
  /** `main.bicep` first. */
  files: BicepFile[];
}

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Bicep string literal: `'it\'s'`; `${` is escaped so it is never read as interpolation. */
export function bicepString(value: string): string {
  let escaped = '';
  for (const char of value) {
    switch (char) {
      case '\\':
        escaped += '\\\\';
        break;
      case "'":
        escaped += "\\'";
        break;
      case '\n':
        escaped += '\\n';
        break;
      case '\r':
        escaped += '\\r';
        break;
      case '\t':
        escaped += '\\t';
        break;
      case '$':
        escaped += '\\$';
        break;
      default:
        escaped += char.charCodeAt(0) < 0x20 ? `\\u{${char.charCodeAt(0).toString(16)}}` : char;
    }
  }
  return `'${escaped}'`;
}

/** A Bicep expression written as is where a value goes: `vm_collector.identity.principalId`, `loadFileAsBase64('cloud-init.yaml')`. */
export class BicepExpression {
  constructor(readonly text: string) {}
}

/**
 * The body as Bicep declares it (`start`: secrets already left out), each file field read with
 * `loadFileAsBase64`, whose path is relative to the Bicep file
 * (https://learn.microsoft.com/azure/azure-resource-manager/bicep/bicep-functions-files#loadfileasbase64):
 * the file is named by its base name, and a comment says to copy it next to the Bicep file.
 */
function bicepBody(action: PlanAction, start: Record<string, unknown>): { body: Record<string, unknown>; notes: string[] } {
  let body = start;
  const notes: string[] = [];
  for (const file of action.fileFields ?? []) {
    const name = file.path.split(/[\\/]/).pop() ?? file.path;
    body = withBodyField(body, file.field, new BicepExpression(`loadFileAsBase64(${bicepString(name)})`));
    notes.push(`// ${commentText(`${file.field.split('.').pop() ?? file.field}: copy ${file.path} next to this file as ${name}; Bicep reads it when it builds the template.`)}`);
  }
  return { body, notes };
}

/** Any JSON value as a Bicep literal, objects and arrays spread over lines at `indent`; a `BicepExpression` as its text. */
export function bicepValue(value: unknown, indent = ''): string {
  if (value instanceof BicepExpression) {
    return value.text;
  }
  if (value === null || value === undefined) {
    return 'null';
  }
  if (typeof value === 'string') {
    return bicepString(value);
  }
  if (typeof value === 'number') {
    // Bicep has integer literals only; json() reads any other number.
    return Number.isInteger(value) ? String(value) : `json(${bicepString(String(value))})`;
  }
  if (typeof value === 'boolean') {
    return String(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[\n${value.map((item) => `${inner}${bicepValue(item, inner)}`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length === 0 ? '{}' : `{\n${entries.map(([key, item]) => `${inner}${bicepKey(key)}: ${bicepValue(item, inner)}`).join('\n')}\n${indent}}`;
}

function bicepKey(key: string): string {
  return identifierPattern.test(key) ? key : bicepString(key);
}

/** `identity.principalId` → `.identity.principalId`; array items by index (`[0]`), other keys quoted (`['x-y']`). */
export function bicepPropertyAccess(property: string): string {
  return property
    .split('.')
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : identifierPattern.test(segment) ? `.${segment}` : `[${bicepString(segment)}]`))
    .join('');
}

/** Sets `value` at a dotted path of a body the caller owns (a copy), creating the objects on the way. */
function setAtPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = body;
  for (const segment of segments.slice(0, -1)) {
    if (typeof current[segment] !== 'object' || current[segment] === null) {
      current[segment] = {};
    }
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]] = value;
}

/** The api-version an `existing` declaration of a scope of another namespace is read at: the plan's own for that type, else the extension's. */
const apiVersionByNamespace: Record<string, string> = {
  'microsoft.storage': storageApiVersion,
  'microsoft.network': networkApiVersion,
  'microsoft.compute': computeApiVersion,
};

/** The type (as spelled in the id) and api-version of the resource an extension resource is written on; undefined when unknown. */
function scopeTypeOf(plan: Plan, scopeId: string): { resourceType: string; apiVersion: string } | undefined {
  const written = plan.actions.find((action) => action.kind === 'put' && action.resourceId.toLowerCase() === scopeId.toLowerCase());
  if (written) {
    return { resourceType: written.resourceType, apiVersion: written.apiVersion };
  }
  const path = parseArmPath(scopeId);
  const apiVersion = apiVersionByNamespace[path.namespace.toLowerCase()];
  return apiVersion === undefined || path.types.length === 0 ? undefined : { resourceType: `${path.namespace}/${path.types.join('/')}`, apiVersion };
}

/** Hands out unique symbolic names within one file. */
class Symbols {
  private readonly used = new Set<string>();
  take(prefix: string, name: string): string {
    const base = `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`.replace(/_+/g, '_').replace(/_$/, '').slice(0, 60);
    let symbol = base;
    for (let counter = 2; this.used.has(symbol.toLowerCase()); counter++) {
      symbol = `${base}_${counter}`;
    }
    this.used.add(symbol.toLowerCase());
    return symbol;
  }
}

/** The prefix of a symbol for a resource type: `Microsoft.Network/networkInterfaces/tapConfigurations` → `tapConfigurations`. */
function typePrefix(resourceType: string): string {
  const last = resourceType.split('/').pop() ?? 'resource';
  return identifierPattern.test(last) ? last : 'resource';
}

/** A file and deployment name part: letters, digits, `-`, `_`, `.` only. */
function safePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'x';
}

interface ModuleDraft {
  /** `rg` for a resource-group module; `sub` for a subscription-scope module of resource groups. */
  scope: 'rg' | 'sub';
  subscriptionId: string;
  resourceGroup: string;
  actions: PlanAction[];
  path: string;
  symbol: string;
  /** The tenant whose token deploys it; another tenant's modules are deployed on their own. */
  tenantId: string;
  /** Cross-tenant: deployed on its own with `--aux-tenants`, not from main.bicep. */
  auxiliaryTenantIds: string[];
}

function isResourceGroup(action: PlanAction): boolean {
  return action.resourceType.toLowerCase() === 'microsoft.resources/resourcegroups';
}

/**
 * True for an action a template can declare: a `put` at resource-group level or a resource group,
 * without extra query parameters; an extension resource (a role assignment) on a resource group or
 * on a resource whose type the export can declare as `existing`.
 */
function isDeclarable(plan: Plan, action: PlanAction): boolean {
  if (action.kind !== 'put' || action.existing === 'same' || action.query !== undefined) {
    return false;
  }
  const path = parseArmPath(action.resourceId);
  if (path.scopeId !== '' && parseArmPath(path.scopeId).names.length > 0 && scopeTypeOf(plan, path.scopeId) === undefined) {
    return false;
  }
  return isResourceGroup(action) ? path.names.length === 0 && path.resourceGroup !== '' : path.resourceGroup !== '' && path.names.length > 0;
}

/**
 * Declares the resources of one module: `existing` parents first, then each resource with its
 * body, `parent:` and the `dependsOn` of plan dependencies declared in the same file.
 */
function moduleContent(plan: Plan, draft: ModuleDraft, declaredDeps: (action: PlanAction) => PlanAction[]): string {
  const symbols = new Symbols();
  const symbolById = new Map<string, string>();
  const lines: string[] = [];
  if (draft.scope === 'sub') {
    lines.push(`// ${commentText(plan.title)}: resource groups in subscription ${draft.subscriptionId}.`, `targetScope = 'subscription'`);
  } else {
    lines.push(`// ${commentText(plan.title)}: resources in resource group ${commentText(draft.resourceGroup)} of subscription ${draft.subscriptionId}.`, `targetScope = 'resourceGroup'`);
  }

  const declareExisting = (id: string, resourceType: string, apiVersion: string): string => {
    const known = symbolById.get(id.toLowerCase());
    if (known) {
      return known;
    }
    const path = parseArmPath(id);
    const parentSymbol = path.names.length > 1 ? declareExisting(parentId(id), resourceType.split('/').slice(0, -1).join('/'), apiVersion) : undefined;
    const symbol = symbols.take(typePrefix(resourceType), path.names[path.names.length - 1]);
    symbolById.set(id.toLowerCase(), symbol);
    lines.push('', `resource ${symbol} ${bicepString(`${resourceType}@${apiVersion}`)} existing = {`);
    if (parentSymbol) {
      lines.push(`  parent: ${parentSymbol}`);
    }
    lines.push(`  name: ${bicepString(path.names[path.names.length - 1])}`);
    const inOtherGroup = path.subscriptionId.toLowerCase() !== draft.subscriptionId.toLowerCase() || path.resourceGroup.toLowerCase() !== draft.resourceGroup.toLowerCase();
    if (!parentSymbol && draft.scope === 'rg' && inOtherGroup) {
      lines.push(`  scope: resourceGroup(${bicepString(path.subscriptionId)}, ${bicepString(path.resourceGroup)})`);
    }
    lines.push('}');
    return symbol;
  };
  const byId = new Map(plan.actions.map((action) => [action.id, action]));

  for (const action of draft.actions) {
    const path = parseArmPath(action.resourceId);
    const name = isResourceGroup(action) ? path.resourceGroup : path.names[path.names.length - 1];
    const parentSymbol =
      path.names.length > 1 ? declareExisting(parentId(action.resourceId), action.resourceType.split('/').slice(0, -1).join('/'), action.apiVersion) : undefined;
    // An extension resource on a resource names it as its scope; on its own resource group it needs none.
    const scopeType = path.scopeId !== '' && parseArmPath(path.scopeId).names.length > 0 ? scopeTypeOf(plan, path.scopeId) : undefined;
    const scopeSymbol = scopeType ? declareExisting(path.scopeId, scopeType.resourceType, scopeType.apiVersion) : undefined;
    // Values taken from earlier actions reference their resources by symbol, which also orders the deployment.
    const body = withoutSecrets(action.body ?? {}) as Record<string, unknown>;
    const referenced = new Set<string>();
    for (const reference of action.bodyFrom ?? []) {
      const source = byId.get(reference.fromAction);
      if (source === undefined) {
        continue;
      }
      const sourceSymbol = declareExisting(source.resourceId, source.resourceType, source.apiVersion);
      referenced.add(sourceSymbol);
      setAtPath(body, reference.path, new BicepExpression(`${sourceSymbol}${bicepPropertyAccess(reference.property)}`));
    }
    const symbol = symbols.take(isResourceGroup(action) ? 'resourceGroup' : typePrefix(action.resourceType), name);
    const dependsOn = declaredDeps(action)
      .map((dependency) => symbolById.get(dependency.resourceId.toLowerCase()))
      .filter((dependency): dependency is string => dependency !== undefined && dependency !== parentSymbol && dependency !== scopeSymbol && !referenced.has(dependency));
    symbolById.set(action.resourceId.toLowerCase(), symbol);
    const { body: declared, notes } = bicepBody(action, body);
    lines.push('', `// ${commentText(action.title)}`, ...notes, `resource ${symbol} ${bicepString(`${action.resourceType}@${action.apiVersion}`)} = {`);
    if (parentSymbol) {
      lines.push(`  parent: ${parentSymbol}`);
    }
    if (scopeSymbol) {
      lines.push(`  scope: ${scopeSymbol}`);
    }
    lines.push(`  name: ${bicepString(name)}`);
    for (const [key, value] of Object.entries(declared)) {
      if (!['id', 'name', 'type', 'etag'].includes(key)) {
        lines.push(`  ${bicepKey(key)}: ${bicepValue(value, '  ')}`);
      }
    }
    if (dependsOn.length > 0) {
      lines.push('  dependsOn: [', ...[...new Set(dependsOn)].map((dependency) => `    ${dependency}`), '  ]');
    }
    lines.push('}');
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The plan as Bicep: `main.bicep` (`targetScope = 'subscription'`, deployed into the subscription of
 * the first action) and one module per resource group written into, in the order the plan needs.
 * A resource group's actions go into a second module when they depend on a module declared after
 * its first one, so no module ever depends on one declared later.
 */
export function toBicep(plan: Plan, options: CliScriptOptions = {}): BicepExport {
  const byId = new Map(plan.actions.map((action) => [action.id, action]));
  const declarable = new Set(plan.actions.filter((action) => isDeclarable(plan, action)).map((action) => action.id));

  // The declarable actions an action waits for, looking through steps and kept actions.
  const dependencyCache = new Map<string, PlanAction[]>();
  const declaredDeps = (action: PlanAction): PlanAction[] => {
    const cached = dependencyCache.get(action.id);
    if (cached) {
      return cached;
    }
    const found = new Map<string, PlanAction>();
    for (const dependencyId of action.dependsOn) {
      const dependency = byId.get(dependencyId);
      if (!dependency) {
        continue;
      }
      if (declarable.has(dependency.id)) {
        found.set(dependency.id, dependency);
      } else {
        for (const inner of declaredDeps(dependency)) {
          found.set(inner.id, inner);
        }
      }
    }
    const result = [...found.values()];
    dependencyCache.set(action.id, result);
    return result;
  };

  const deploymentSubscription = parseArmPath(plan.actions[0]?.resourceId ?? '').subscriptionId;
  const deploymentTenant = plan.actions[0]?.tenantId ?? '';
  const mainGroups: PlanAction[] = [];
  const modules: ModuleDraft[] = [];
  const moduleOf = new Map<string, ModuleDraft>();
  const usedPaths = new Set<string>();
  const moduleSymbols = new Symbols();
  /** Module → the modules it waits for, from the plan's dependencies. */
  const edges = new Map<ModuleDraft, Set<ModuleDraft>>();

  const newModule = (scope: 'rg' | 'sub', action: PlanAction): ModuleDraft => {
    const { subscriptionId, resourceGroup } = parseArmPath(action.resourceId);
    const stem = scope === 'sub' ? `${shortSubscription(subscriptionId)}-resource-groups` : `${shortSubscription(subscriptionId)}-${safePart(resourceGroup)}`;
    let path = `modules/${stem}.bicep`;
    for (let part = 2; usedPaths.has(path.toLowerCase()); part++) {
      path = `modules/${stem}-${part}.bicep`;
    }
    usedPaths.add(path.toLowerCase());
    const draft: ModuleDraft = {
      scope,
      subscriptionId,
      resourceGroup: scope === 'sub' ? '' : resourceGroup,
      tenantId: action.tenantId,
      auxiliaryTenantIds: action.auxiliaryTenantIds ?? [],
      actions: [],
      path,
      symbol: moduleSymbols.take('module', path.slice('modules/'.length, -'.bicep'.length)),
    };
    modules.push(draft);
    edges.set(draft, new Set());
    return draft;
  };
  const reaches = (from: ModuleDraft, to: ModuleDraft, seen = new Set<ModuleDraft>()): boolean => {
    if (from === to) {
      return true;
    }
    seen.add(from);
    return [...(edges.get(from) ?? [])].some((next) => !seen.has(next) && reaches(next, to, seen));
  };

  for (const action of plan.actions.filter((candidate) => declarable.has(candidate.id))) {
    const path = parseArmPath(action.resourceId);
    if (isResourceGroup(action) && path.subscriptionId.toLowerCase() === deploymentSubscription.toLowerCase()) {
      mainGroups.push(action);
      continue;
    }
    const scope = isResourceGroup(action) ? 'sub' : 'rg';
    const dependencyModules = declaredDeps(action)
      .map((dependency) => moduleOf.get(dependency.id))
      .filter((draft): draft is ModuleDraft => draft !== undefined);
    const latest = [...modules]
      .reverse()
      .find(
        (draft) =>
          draft.scope === scope &&
          draft.subscriptionId.toLowerCase() === path.subscriptionId.toLowerCase() &&
          draft.resourceGroup.toLowerCase() === (scope === 'sub' ? '' : path.resourceGroup.toLowerCase()) &&
          draft.tenantId === action.tenantId &&
          draft.auxiliaryTenantIds.join() === (action.auxiliaryTenantIds ?? []).join(),
      );
    // Joining the resource group's module must not make two modules wait for each other.
    const fits = latest !== undefined && dependencyModules.every((dependency) => dependency === latest || !reaches(dependency, latest));
    const draft = fits && latest ? latest : newModule(scope, action);
    draft.actions.push(action);
    moduleOf.set(action.id, draft);
    for (const dependency of dependencyModules) {
      if (dependency !== draft) {
        edges.get(draft)?.add(dependency);
      }
    }
  }

  // What each module waits for: modules, and resource groups main.bicep creates.
  const groupSymbols = new Symbols();
  const groupSymbolById = new Map(mainGroups.map((action) => [action.id, groupSymbols.take('resourceGroup', parseArmPath(action.resourceId).resourceGroup)]));
  const moduleDependencies = (draft: ModuleDraft): { modules: ModuleDraft[]; groups: string[] } => {
    const dependencyModules = new Set<ModuleDraft>(edges.get(draft));
    const groups = new Set<string>();
    for (const action of draft.actions) {
      for (const dependency of declaredDeps(action)) {
        const group = groupSymbolById.get(dependency.id);
        if (group) {
          groups.add(group);
        }
      }
    }
    // A module deploys into its resource group, so it waits for whatever creates that group.
    for (const groupAction of mainGroups) {
      const groupPath = parseArmPath(groupAction.resourceId);
      if (draft.scope === 'rg' && groupPath.subscriptionId.toLowerCase() === draft.subscriptionId.toLowerCase() && groupPath.resourceGroup.toLowerCase() === draft.resourceGroup.toLowerCase()) {
        groups.add(groupSymbolById.get(groupAction.id) ?? '');
      }
    }
    for (const other of modules) {
      if (draft.scope === 'rg' && other.scope === 'sub' && other.subscriptionId.toLowerCase() === draft.subscriptionId.toLowerCase()) {
        if (other.actions.some((action) => parseArmPath(action.resourceId).resourceGroup.toLowerCase() === draft.resourceGroup.toLowerCase())) {
          dependencyModules.add(other);
        }
      }
    }
    return { modules: [...dependencyModules], groups: [...groups].filter((group) => group !== '') };
  };

  // Declared in an order where each module comes after those it waits for; otherwise in plan order.
  const ordered: ModuleDraft[] = [];
  const placeModule = (draft: ModuleDraft, visiting = new Set<ModuleDraft>()): void => {
    if (ordered.includes(draft) || visiting.has(draft)) {
      return;
    }
    visiting.add(draft);
    for (const dependency of moduleDependencies(draft).modules) {
      placeModule(dependency, visiting);
    }
    ordered.push(draft);
  };
  modules.forEach((draft) => placeModule(draft));

  const location =
    plan.actions.map((action) => action.body?.location).find((candidate): candidate is string => typeof candidate === 'string' && candidate !== '') ?? 'eastus';
  // One deployment holds one tenant's token: modules for other tenants, or needing another tenant's token, are deployed on their own.
  const isSeparate = (draft: ModuleDraft): boolean => draft.tenantId !== deploymentTenant || draft.auxiliaryTenantIds.length > 0;
  const inMain = ordered.filter((draft) => !isSeparate(draft));
  const separate = ordered.filter(isSeparate);
  const mainActionIds = new Set([...mainGroups, ...inMain.flatMap((draft) => draft.actions)].map((action) => action.id));

  const header: string[] = [
    `// ${commentText(plan.title)}`,
    '// Generated by Azure Traffic Lens from the plan it previewed; it declares the same resources Apply creates.',
    ...plan.warnings.map((warning) => `// Warning: ${commentText(warning)}`),
    '//',
    '// Deploy from this folder with Azure CLI:',
    `//   az deployment sub create --location ${location}${deploymentSubscription ? ` --subscription ${deploymentSubscription}` : ''} --template-file main.bicep`,
  ];

  // Steps a template cannot express, placed before the deployment unless they wait for something it creates.
  const stepActions = plan.actions.filter((action) => !declarable.has(action.id) && action.existing !== 'same');
  const isAfter = (action: PlanAction): boolean => declaredDeps(action).length > 0;
  const stepLines = (action: PlanAction, number: number): string[] => {
    // A step's values taken from earlier actions show as placeholders: the comment cannot read them.
    const shown = action.bodyFrom === undefined ? action : { ...action, body: bodyWithPlaceholders(plan, action), bodyFrom: undefined };
    const commandText = renderAzCommand(azCommandFor(shown, plan, options), parseArmPath(action.resourceId).subscriptionId);
    return [`//   ${number}. ${commentText(action.title)}`, ...commandText.split('\n').map((line) => `//        ${line}`)];
  };
  const before = stepActions.filter((action) => !isAfter(action));
  const after = stepActions.filter(isAfter);
  if (before.length > 0) {
    header.push('//', '// Run these first; a Bicep deployment cannot:');
    before.forEach((action, index) => header.push(...stepLines(action, index + 1)));
  }
  if (separate.length > 0) {
    header.push(
      '//',
      "// Other tenants: one deployment uses one tenant's token, so deploy these modules on their own, in this",
      '// order, signed in to the tenants named (az login --tenant <tenant>):',
    );
    const afterMain = new Set<ModuleDraft>();
    for (const draft of separate) {
      const waitsForMain =
        draft.actions.some((action) => declaredDeps(action).some((dependency) => mainActionIds.has(dependency.id))) ||
        moduleDependencies(draft).modules.some((dependency) => afterMain.has(dependency));
      if (waitsForMain) {
        afterMain.add(draft);
      }
      const tenants = [draft.tenantId, ...draft.auxiliaryTenantIds].join(' and ');
      const auxiliary = draft.auxiliaryTenantIds.length > 0 ? ` --aux-tenants ${draft.auxiliaryTenantIds.join(' ')}` : '';
      const deploy =
        draft.scope === 'sub'
          ? `az deployment sub create --location ${location} --subscription ${draft.subscriptionId} --template-file ${draft.path}`
          : `az deployment group create --subscription ${draft.subscriptionId} --resource-group ${commentText(draft.resourceGroup)} --template-file ${draft.path}${auxiliary}`;
      header.push(`//   ${deploy}`, `//     (${waitsForMain ? 'after' : 'before'} main.bicep; tenant ${tenants})`);
    }
  }
  if (after.length > 0) {
    header.push('//', '// Then run these; a Bicep deployment cannot:');
    after.forEach((action, index) => header.push(...stepLines(action, before.length + index + 1)));
  }
  const kept = plan.actions.filter((action) => action.existing === 'same');
  if (kept.length > 0) {
    header.push('//', '// Already in place, so not declared again:', ...kept.map((action) => `//   - ${commentText(action.title)}`));
  }

  const main: string[] = [...header, '', `targetScope = 'subscription'`];
  for (const action of mainGroups) {
    main.push('', `// ${commentText(action.title)}`, `resource ${groupSymbolById.get(action.id)} ${bicepString(`${action.resourceType}@${action.apiVersion}`)} = {`);
    main.push(`  name: ${bicepString(parseArmPath(action.resourceId).resourceGroup)}`);
    for (const [key, value] of Object.entries(withoutSecrets(action.body ?? {}) as Record<string, unknown>)) {
      if (!['id', 'name', 'type'].includes(key)) {
        main.push(`  ${bicepKey(key)}: ${bicepValue(value, '  ')}`);
      }
    }
    main.push('}');
  }
  for (const draft of inMain) {
    const dependencies = moduleDependencies(draft);
    const dependsOn = [...dependencies.groups, ...dependencies.modules.filter((other) => inMain.includes(other)).map((other) => other.symbol)];
    const deploymentName = `traffic-lens-${draft.path.slice('modules/'.length, -'.bicep'.length)}`.slice(0, 64);
    main.push('', `module ${draft.symbol} ${bicepString(draft.path)} = {`, `  name: ${bicepString(deploymentName)}`);
    main.push(draft.scope === 'sub' ? `  scope: subscription(${bicepString(draft.subscriptionId)})` : `  scope: resourceGroup(${bicepString(draft.subscriptionId)}, ${bicepString(draft.resourceGroup)})`);
    if (dependsOn.length > 0) {
      main.push('  dependsOn: [', ...dependsOn.map((dependency) => `    ${dependency}`), '  ]');
    }
    main.push('}');
  }
  main.push('');

  return {
    files: [{ path: 'main.bicep', content: main.join('\n') }, ...modules.map((draft) => ({ path: draft.path, content: moduleContent(plan, draft, declaredDeps) }))],
  };
}
