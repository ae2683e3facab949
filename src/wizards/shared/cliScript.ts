/**
 * "Copy as Azure CLI Script": turns a plan into a bash script that makes the same changes with `az`.
 * Each action becomes the idiomatic command for its resource type (`az network vnet tap create`,
 * `az network vnet peering create`, `az network watcher flow-log create`, …); when the CLI has no
 * command, or its flags cannot say everything the request body says, the action falls back to
 * `az rest` with the body exactly as the plan has it. Every step states the api-version Apply sends
 * it with (`az rest` in its URL, an az command in a comment above it). Pure; no `vscode` import.
 */
import { nameOf, parentId } from '../../azure/armIds';
import { parseArmPath } from './armPath';
import { fillReferences, withBodyField, type Plan, type PlanAction } from '../../core/plan';

export interface CliScriptOptions {
  /** The Resource Manager endpoint `az rest` sends to; the public cloud's when not given. */
  resourceManagerEndpoint?: string;
}

const publicCloudEndpoint = 'https://management.azure.com';

type Json = Record<string, unknown>;

/** A flag and its value(s); `undefined` drops the flag, an array passes several values after it. */
type Flag = [string, string | number | boolean | string[] | undefined];

/** One `az` invocation before it is written out. */
export interface AzCommand {
  /** Command words after `az`: `['network', 'vnet', 'tap', 'create']`. */
  words: string[];
  flags: Flag[];
  /** Comment lines to print above it. */
  notes: string[];
  /** True for `az rest`, which reads the subscription from the URL instead of `--subscription`. */
  isRest: boolean;
  /** Placeholders in flag values that become the base64 of a local file when the script runs: placeholder → path. */
  files?: Record<string, string>;
}

/** The placeholder of the `index`th file field in a body. */
function filePlaceholder(index: number): string {
  return `@@file-${index}@@`;
}

/** One bash word: bare when it holds only characters bash and `az` read literally, else single-quoted. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_%+=:,./-]+$/.test(value) && !value.startsWith('-')) {
    return value;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Text safe inside a `#` comment: one line, no control characters. */
export function commentText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** True when `value` is absent or an object holding no key outside `keys`. */
function hasOnly(value: unknown, keys: readonly string[]): boolean {
  if (value === undefined) {
    return true;
  }
  const object = asObject(value);
  return object !== undefined && Object.keys(object).every((key) => keys.includes(key));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function idOf(value: unknown): string | undefined {
  return text(asObject(value)?.id);
}

function bool(value: unknown): string | undefined {
  return typeof value === 'boolean' ? String(value) : undefined;
}

/** `{ env: 'prod' }` → `['env=prod']`, for `--tags`; undefined when there are none. */
function tagList(value: unknown): string[] | undefined {
  const tags = asObject(value);
  if (!tags || Object.keys(tags).length === 0) {
    return undefined;
  }
  return Object.entries(tags).map(([key, tagValue]) => `${key}=${String(tagValue)}`);
}

/** A value or list of values from a singular ARM property and its plural twin. */
function oneOrMany(single: unknown, many: unknown): string[] | undefined {
  if (Array.isArray(many) && many.length > 0) {
    return many.map(String);
  }
  return typeof single === 'string' && single !== '' ? [single] : undefined;
}

function command(words: string[], flags: Flag[], notes: string[] = []): AzCommand {
  return { words, flags, notes, isRest: false };
}

/** The location of a network watcher: from the plan when it creates it, else from `NetworkWatcher_<location>`. */
function watcherLocation(plan: Plan, watcherId: string): string | undefined {
  const key = watcherId.toLowerCase();
  const created = plan.actions.find((action) => action.kind === 'put' && action.resourceId.toLowerCase() === key);
  const location = text(created?.body?.location);
  if (location) {
    return location;
  }
  return /^NetworkWatcher_([A-Za-z0-9]+)$/i.exec(nameOf(watcherId))?.[1];
}

/** The `az network watcher flow-log` flag naming the target, by the target's resource type. */
function flowLogTargetFlag(targetId: string): string | undefined {
  const types = parseArmPath(targetId).types.map((type) => type.toLowerCase());
  switch (types.join('/')) {
    case 'virtualnetworks':
      return '--vnet';
    case 'virtualnetworks/subnets':
      return '--subnet';
    case 'networkinterfaces':
      return '--nic';
    case 'networksecuritygroups':
      return '--nsg';
    default:
      return undefined;
  }
}

const flowLogPropertyKeys = ['targetResourceId', 'storageId', 'enabled', 'retentionPolicy', 'format', 'flowAnalyticsConfiguration', 'enabledFilteringCriteria', 'recordTypes'];
const analyticsKeys = ['enabled', 'workspaceResourceId', 'trafficAnalyticsInterval', 'workspaceId', 'workspaceRegion'];

function flowLogCommand(action: PlanAction, plan: Plan, body: Json, props: Json): AzCommand | undefined {
  const location = watcherLocation(plan, parentId(action.resourceId)) ?? text(body.location);
  const name = nameOf(action.resourceId);
  if (!location || !hasOnly(body, ['location', 'tags', 'properties']) || !hasOnly(props, flowLogPropertyKeys)) {
    return undefined;
  }
  if (props.enabled === false && action.existing !== 'absent') {
    // Disabling keeps everything else as Azure holds it, which is what `update --enabled false` sends.
    return command(['network', 'watcher', 'flow-log', 'update'], [['--location', location], ['--name', name], ['--enabled', 'false']]);
  }
  const targetId = text(props.targetResourceId);
  const targetFlag = targetId ? flowLogTargetFlag(targetId) : undefined;
  const retention = asObject(props.retentionPolicy);
  const format = asObject(props.format);
  const analytics = asObject(asObject(props.flowAnalyticsConfiguration)?.networkWatcherFlowAnalyticsConfiguration);
  if (
    !targetId ||
    !targetFlag ||
    !hasOnly(retention, ['days', 'enabled']) ||
    !hasOnly(format, ['type', 'version']) ||
    !hasOnly(props.flowAnalyticsConfiguration, ['networkWatcherFlowAnalyticsConfiguration']) ||
    !hasOnly(analytics, analyticsKeys) ||
    (analytics?.enabled === true && !text(analytics.workspaceResourceId))
  ) {
    return undefined;
  }
  const analyticsOn = analytics?.enabled === true;
  return command(['network', 'watcher', 'flow-log', 'create'], [
    ['--location', location],
    ['--name', name],
    [targetFlag, targetId],
    ['--storage-account', text(props.storageId)],
    ['--enabled', bool(props.enabled)],
    ['--retention', retention?.enabled === true ? text(retention.days) : undefined],
    ['--format', text(format?.type)],
    ['--log-version', text(format?.version)],
    ['--traffic-analytics', analyticsOn ? 'true' : undefined],
    ['--workspace', analyticsOn ? text(analytics?.workspaceResourceId) : undefined],
    ['--interval', analyticsOn ? text(analytics?.trafficAnalyticsInterval) : undefined],
    ['--filtering-criteria', text(props.enabledFilteringCriteria)],
    ['--record-types', text(props.recordTypes)],
    ['--tags', tagList(body.tags)],
  ]);
}

function securityRuleCommand(group: string, nsg: string, name: string, body: Json, props: Json): AzCommand | undefined {
  const keys = [
    'priority',
    'direction',
    'access',
    'protocol',
    'description',
    'sourceAddressPrefix',
    'sourceAddressPrefixes',
    'sourcePortRange',
    'sourcePortRanges',
    'destinationAddressPrefix',
    'destinationAddressPrefixes',
    'destinationPortRange',
    'destinationPortRanges',
  ];
  if (!hasOnly(body, ['properties']) || !hasOnly(props, keys) || props.priority === undefined) {
    return undefined;
  }
  return command(['network', 'nsg', 'rule', 'create'], [
    ['--resource-group', group],
    ['--nsg-name', nsg],
    ['--name', name],
    ['--priority', text(props.priority)],
    ['--direction', text(props.direction)],
    ['--access', text(props.access)],
    ['--protocol', text(props.protocol)],
    ['--source-address-prefixes', oneOrMany(props.sourceAddressPrefix, props.sourceAddressPrefixes)],
    ['--source-port-ranges', oneOrMany(props.sourcePortRange, props.sourcePortRanges)],
    ['--destination-address-prefixes', oneOrMany(props.destinationAddressPrefix, props.destinationAddressPrefixes)],
    ['--destination-port-ranges', oneOrMany(props.destinationPortRange, props.destinationPortRanges)],
    ['--description', text(props.description)],
  ]);
}

/** Peering properties Azure computes (address spaces, BGP communities): an update echoes them, a create command need not. */
const computedPeeringKeys = ['localAddressSpace', 'localVirtualNetworkAddressSpace', 'remoteAddressSpace', 'remoteVirtualNetworkAddressSpace', 'remoteBgpCommunities'];

/** True when the subnet-peering properties, if present, are Azure's defaults (a peering of the whole networks). */
function peersCompleteVnets(props: Json): boolean {
  const noNames = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.length === 0);
  return (
    (props.peerCompleteVnets === undefined || props.peerCompleteVnets === true) &&
    (props.enableOnlyIPv6Peering === undefined || props.enableOnlyIPv6Peering === false) &&
    (props.doNotVerifyRemoteGateways === undefined || props.doNotVerifyRemoteGateways === false) &&
    noNames(props.localSubnetNames) &&
    noNames(props.remoteSubnetNames)
  );
}

function peeringCommand(action: PlanAction, group: string, vnet: string, name: string, body: Json, props: Json): AzCommand | undefined {
  const keys = ['remoteVirtualNetwork', 'allowVirtualNetworkAccess', 'allowForwardedTraffic', 'allowGatewayTransit', 'useRemoteGateways'];
  const subnetKeys = ['peerCompleteVnets', 'enableOnlyIPv6Peering', 'doNotVerifyRemoteGateways', 'localSubnetNames', 'remoteSubnetNames'];
  const remote = idOf(props.remoteVirtualNetwork);
  const query = Object.entries(action.query ?? {});
  if (!remote || !hasOnly(body, ['properties']) || !hasOnly(props, [...keys, ...computedPeeringKeys, ...subnetKeys])) {
    return undefined;
  }
  if (query.length === 1 && query[0][0] === 'syncRemoteAddressSpace' && query[0][1] === 'true') {
    // The sync writes the peering as Azure holds it, which is what `az network vnet peering sync` sends.
    return command(['network', 'vnet', 'peering', 'sync'], [['--resource-group', group], ['--vnet-name', vnet], ['--name', name]]);
  }
  if (query.length > 0 || !peersCompleteVnets(props)) {
    return undefined;
  }
  const notes: string[] = [];
  if ((action.auxiliaryTenantIds ?? []).length > 0) {
    notes.push(
      `Cross-tenant: az sends a token for tenant ${action.auxiliaryTenantIds?.join(', ')} too (taken from the --remote-vnet id), so sign in to both tenants first (az login --tenant ${action.tenantId}, then az login --tenant ${action.auxiliaryTenantIds?.join(' / ')}).`,
    );
  }
  return command(
    ['network', 'vnet', 'peering', 'create'],
    [
      ['--resource-group', group],
      ['--vnet-name', vnet],
      ['--name', name],
      ['--remote-vnet', remote],
      ['--allow-vnet-access', bool(props.allowVirtualNetworkAccess)],
      ['--allow-forwarded-traffic', bool(props.allowForwardedTraffic)],
      ['--allow-gateway-transit', bool(props.allowGatewayTransit)],
      ['--use-remote-gateways', bool(props.useRemoteGateways)],
    ],
    notes,
  );
}

function storageAccountCommand(group: string, name: string, body: Json, props: Json): AzCommand | undefined {
  const keys = ['minimumTlsVersion', 'allowBlobPublicAccess', 'supportsHttpsTrafficOnly', 'allowSharedKeyAccess', 'accessTier'];
  const sku = asObject(body.sku);
  if (!hasOnly(body, ['location', 'kind', 'sku', 'tags', 'properties']) || !hasOnly(sku, ['name']) || !hasOnly(props, keys) || !text(body.location)) {
    return undefined;
  }
  return command(['storage', 'account', 'create'], [
    ['--name', name],
    ['--resource-group', group],
    ['--location', text(body.location)],
    ['--kind', text(body.kind)],
    ['--sku', text(sku?.name)],
    ['--min-tls-version', text(props.minimumTlsVersion)],
    ['--allow-blob-public-access', bool(props.allowBlobPublicAccess)],
    ['--https-only', bool(props.supportsHttpsTrafficOnly)],
    ['--allow-shared-key-access', bool(props.allowSharedKeyAccess)],
    ['--access-tier', text(props.accessTier)],
    ['--tags', tagList(body.tags)],
  ]);
}

function vmExtensionCommand(group: string, vm: string, name: string, body: Json, props: Json): AzCommand | undefined {
  const type = text(props.type);
  const publisher = text(props.publisher);
  const keys = ['publisher', 'type', 'typeHandlerVersion', 'autoUpgradeMinorVersion', 'enableAutomaticUpgrade', 'settings'];
  if (!type || !publisher || !hasOnly(body, ['location', 'properties', 'tags']) || !hasOnly(props, keys) || props.autoUpgradeMinorVersion === false) {
    return undefined;
  }
  return command(['vm', 'extension', 'set'], [
    ['--resource-group', group],
    ['--vm-name', vm],
    ['--name', type],
    ['--publisher', publisher],
    ['--version', text(props.typeHandlerVersion)],
    ['--extension-instance-name', name === type ? undefined : name],
    ['--enable-auto-upgrade', bool(props.enableAutomaticUpgrade)],
    ['--settings', props.settings === undefined ? undefined : JSON.stringify(props.settings)],
  ]);
}

function packetCaptureCommand(body: Json, props: Json, name: string): AzCommand | undefined {
  const target = text(props.target);
  const storage = asObject(props.storageLocation);
  const keys = ['target', 'targetType', 'storageLocation', 'bytesToCapturePerPacket', 'totalBytesPerSession', 'timeLimitInSeconds', 'filters'];
  const targetPath = target ? parseArmPath(target) : undefined;
  if (
    !target ||
    targetPath?.types.join('/').toLowerCase() !== 'virtualmachines' ||
    (props.targetType !== undefined && props.targetType !== 'AzureVM') ||
    !hasOnly(body, ['properties']) ||
    !hasOnly(props, keys) ||
    !hasOnly(storage, ['storageId', 'storagePath', 'filePath'])
  ) {
    return undefined;
  }
  const filters = Array.isArray(props.filters) && props.filters.length > 0 ? JSON.stringify(props.filters) : undefined;
  // The CLI picks the network watcher of the VM's region itself (one per region and subscription).
  return command(['network', 'watcher', 'packet-capture', 'create'], [
    ['--resource-group', targetPath.resourceGroup],
    ['--vm', target],
    ['--name', name],
    ['--storage-account', text(storage?.storageId)],
    ['--storage-path', text(storage?.storagePath)],
    ['--file-path', text(storage?.filePath)],
    ['--capture-size', text(props.bytesToCapturePerPacket)],
    ['--capture-limit', text(props.totalBytesPerSession)],
    ['--time-limit', text(props.timeLimitInSeconds)],
    ['--filters', filters],
  ]);
}

function putCommand(action: PlanAction, plan: Plan): AzCommand | undefined {
  const body = action.body ?? {};
  const props = asObject(body.properties) ?? {};
  const path = parseArmPath(action.resourceId);
  const group = path.resourceGroup;
  const names = path.names;
  const type = action.resourceType.toLowerCase();
  if (action.query !== undefined && type !== 'microsoft.network/virtualnetworks/virtualnetworkpeerings') {
    return undefined;
  }
  switch (type) {
    case 'microsoft.resources/resourcegroups':
      return hasOnly(body, ['location', 'tags']) && text(body.location)
        ? command(['group', 'create'], [['--name', group], ['--location', text(body.location)], ['--tags', tagList(body.tags)]])
        : undefined;
    case 'microsoft.network/virtualnetworktaps': {
      const destination = idOf(props.destinationNetworkInterfaceIPConfiguration) ?? idOf(props.destinationLoadBalancerFrontEndIPConfiguration);
      const keys = ['destinationNetworkInterfaceIPConfiguration', 'destinationLoadBalancerFrontEndIPConfiguration', 'destinationPort'];
      if (!destination || !hasOnly(body, ['location', 'tags', 'properties']) || !hasOnly(props, keys)) {
        return undefined;
      }
      return command(['network', 'vnet', 'tap', 'create'], [
        ['--resource-group', group],
        ['--name', names[0]],
        ['--location', text(body.location)],
        ['--destination', destination],
        ['--port', text(props.destinationPort)],
        ['--tags', tagList(body.tags)],
      ]);
    }
    case 'microsoft.network/networkinterfaces/tapconfigurations': {
      const tap = idOf(props.virtualNetworkTap);
      return tap && hasOnly(body, ['properties']) && hasOnly(props, ['virtualNetworkTap'])
        ? command(['network', 'nic', 'vtap-config', 'create'], [['--resource-group', group], ['--nic-name', names[0]], ['--name', names[1]], ['--vnet-tap', tap]])
        : undefined;
    }
    case 'microsoft.network/networksecuritygroups/securityrules':
      return securityRuleCommand(group, names[0], names[1], body, props);
    case 'microsoft.network/virtualnetworks/virtualnetworkpeerings':
      return peeringCommand(action, group, names[0], names[1], body, props);
    case 'microsoft.network/networkwatchers': {
      const location = text(body.location);
      // `configure` creates the watcher Azure itself would create: NetworkWatcher_<region>.
      const isDefaultName = location !== undefined && names[0].toLowerCase() === `networkwatcher_${location.toLowerCase()}`;
      return isDefaultName && hasOnly(body, ['location', 'properties']) && hasOnly(props, [])
        ? command(['network', 'watcher', 'configure'], [['--resource-group', group], ['--locations', location], ['--enabled', 'true']])
        : undefined;
    }
    case 'microsoft.network/networkwatchers/flowlogs':
      return flowLogCommand(action, plan, body, props);
    case 'microsoft.network/networkwatchers/packetcaptures':
      return packetCaptureCommand(body, props, names[1]);
    case 'microsoft.storage/storageaccounts':
      return storageAccountCommand(group, names[0], body, props);
    case 'microsoft.compute/virtualmachines/extensions':
      return vmExtensionCommand(group, names[0], names[1], body, props);
    case 'microsoft.authorization/roleassignments':
      return roleAssignmentCommand(path.scopeId, names[0], body, props);
    default:
      return undefined;
  }
}

function roleAssignmentCommand(scopeId: string, name: string, body: Json, props: Json): AzCommand | undefined {
  const principalId = text(props.principalId);
  const roleDefinitionId = text(props.roleDefinitionId);
  if (scopeId === '' || !principalId || !roleDefinitionId || !hasOnly(body, ['properties']) || !hasOnly(props, ['roleDefinitionId', 'principalId', 'principalType', 'description'])) {
    return undefined;
  }
  return command(['role', 'assignment', 'create'], [
    ['--scope', scopeId],
    ['--role', roleDefinitionId],
    ['--assignee-object-id', principalId],
    ['--assignee-principal-type', text(props.principalType)],
    ['--name', name],
    ['--description', text(props.description)],
  ]);
}

const vmOperations: Record<string, string> = { deallocate: 'deallocate', start: 'start', restart: 'restart', poweroff: 'stop' };

function postCommand(action: PlanAction, plan: Plan): AzCommand | undefined {
  const path = parseArmPath(action.resourceId);
  const operation = (action.operation ?? '').toLowerCase();
  const type = action.resourceType.toLowerCase();
  if (action.query !== undefined) {
    return undefined;
  }
  if (type === 'microsoft.compute/virtualmachines' && vmOperations[operation]) {
    return command(['vm', vmOperations[operation]], [['--resource-group', path.resourceGroup], ['--name', path.names[0]]]);
  }
  if (type === 'microsoft.resources/providers' && operation === 'register' && path.namespace !== '') {
    return command(['provider', 'register'], [['--namespace', path.namespace], ['--wait', []]]);
  }
  if (type === 'microsoft.network/networkwatchers/packetcaptures' && operation === 'stop') {
    const location = watcherLocation(plan, parentId(action.resourceId));
    return location ? command(['network', 'watcher', 'packet-capture', 'stop'], [['--location', location], ['--name', path.names[1]]]) : undefined;
  }
  return undefined;
}

function deleteCommand(action: PlanAction, plan: Plan): AzCommand | undefined {
  const path = parseArmPath(action.resourceId);
  const group = path.resourceGroup;
  const names = path.names;
  if (action.query !== undefined) {
    return undefined;
  }
  switch (action.resourceType.toLowerCase()) {
    case 'microsoft.resources/resourcegroups':
      return command(['group', 'delete'], [['--name', group], ['--yes', []]]);
    case 'microsoft.network/virtualnetworktaps':
      return command(['network', 'vnet', 'tap', 'delete'], [['--resource-group', group], ['--name', names[0]]]);
    case 'microsoft.network/networkinterfaces/tapconfigurations':
      return command(['network', 'nic', 'vtap-config', 'delete'], [['--resource-group', group], ['--nic-name', names[0]], ['--name', names[1]]]);
    case 'microsoft.network/networksecuritygroups/securityrules':
      return command(['network', 'nsg', 'rule', 'delete'], [['--resource-group', group], ['--nsg-name', names[0]], ['--name', names[1]]]);
    case 'microsoft.network/virtualnetworks/virtualnetworkpeerings':
      return command(['network', 'vnet', 'peering', 'delete'], [['--resource-group', group], ['--vnet-name', names[0]], ['--name', names[1]]]);
    case 'microsoft.network/networkwatchers/flowlogs':
    case 'microsoft.network/networkwatchers/packetcaptures': {
      const location = watcherLocation(plan, parentId(action.resourceId));
      const group = action.resourceType.toLowerCase().endsWith('flowlogs') ? 'flow-log' : 'packet-capture';
      return location ? command(['network', 'watcher', group, 'delete'], [['--location', location], ['--name', names[1]]]) : undefined;
    }
    case 'microsoft.storage/storageaccounts':
      return command(['storage', 'account', 'delete'], [['--resource-group', group], ['--name', names[0]], ['--yes', []]]);
    case 'microsoft.compute/virtualmachines/extensions':
      return command(['vm', 'extension', 'delete'], [['--resource-group', group], ['--vm-name', names[0]], ['--name', names[1]]]);
    case 'microsoft.authorization/roleassignments':
      return command(['role', 'assignment', 'delete'], [['--ids', action.resourceId]]);
    default:
      return undefined;
  }
}

/** Keys whose values are secrets: never written into a script or template. */
const secretKeys = new Set(['protectedsettings', 'password', 'adminpassword', 'secret', 'clientsecret']);

/**
 * A VM's `customData` (a cloud-init script, which may hold the vendor's registration token) is not
 * copied into a script or template: the user encodes their own file where they run it.
 */
export const customDataPlaceholder = '<base64 of your cloud-init file (base64 -w0 cloud-init.yaml): fill in before running>';

/** The body with secret values replaced; the exporters never print them. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutSecrets);
  }
  const object = asObject(value);
  if (!object) {
    return value;
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, secretKeys.has(key.toLowerCase()) ? '<secret: fill in before running>' : key.toLowerCase() === 'customdata' ? customDataPlaceholder : withoutSecrets(inner)]));
}

/** The `az rest` call that sends exactly the plan's request. */
function restCommand(action: PlanAction, endpoint: string): AzCommand {
  const path = action.resourceId
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const operation = action.kind === 'post' && action.operation ? `/${encodeURIComponent(action.operation)}` : '';
  const query = new URLSearchParams({ 'api-version': action.apiVersion, ...(action.query ?? {}) }).toString();
  const flags: Flag[] = [
    ['--method', action.kind],
    ['--url', `${endpoint.replace(/\/+$/, '')}${path}${operation}?${query}`],
  ];
  const files: Record<string, string> = {};
  const notes = ['No az command says everything this request does, so it is sent as is.'];
  if (action.kind === 'put') {
    let body = withoutSecrets(action.body ?? {}) as Json;
    (action.fileFields ?? []).forEach((file, index) => {
      body = withBodyField(body, file.field, filePlaceholder(index));
      files[filePlaceholder(index)] = file.path;
      notes.push(`${file.field.split('.').pop() ?? file.field} is read from ${file.path} when the script runs (base64-encoded), so keep the file there.`);
    });
    flags.push(['--body', JSON.stringify(body, null, 2)]);
  }
  if ((action.auxiliaryTenantIds ?? []).length > 0) {
    notes.push(`Cross-tenant: az rest sends no token for tenant ${action.auxiliaryTenantIds?.join(', ')}; if Azure answers LinkedAuthorizationFailed, run this step from the Azure portal or VS Code instead.`);
  }
  return { words: ['rest'], flags, notes, isRest: true, ...(Object.keys(files).length > 0 ? { files } : {}) };
}

/** The `az` command for one action: the idiomatic one when it can say everything, else `az rest`. */
export function azCommandFor(action: PlanAction, plan: Plan, options: CliScriptOptions = {}): AzCommand {
  const idiomatic = action.kind === 'put' ? putCommand(action, plan) : action.kind === 'post' ? postCommand(action, plan) : deleteCommand(action, plan);
  return idiomatic ?? restCommand(action, options.resourceManagerEndpoint ?? publicCloudEndpoint);
}

/** Marks where a shell variable's value goes in a flag or body: `@@ref:vm_collector_principalId@@`. */
const variableMark = /@@ref:([A-Za-z_][A-Za-z0-9_]*)@@/;

/** The text that stands for `$name` in a body until the command is written out. */
export function shellVariableMark(name: string): string {
  return `@@ref:${name}@@`;
}

/** One bash word; marked variables become `"$name"` spliced between single-quoted pieces. */
function shellWord(value: string): string {
  const pieces = value.split(new RegExp(variableMark.source, 'g'));
  if (pieces.length === 1) {
    return shellQuote(value);
  }
  return pieces.map((piece, index) => (index % 2 === 1 ? `"$${piece}"` : piece === '' ? '' : `'${piece.replace(/'/g, `'\\''`)}'`)).join('');
}

/** The command as bash text, one flag per continued line; `az rest` takes the subscription from its URL. */
export function renderAzCommand(azCommand: AzCommand, subscriptionId: string): string {
  const flags = azCommand.isRest || subscriptionId === '' ? azCommand.flags : [...azCommand.flags, ['--subscription', subscriptionId] as Flag];
  const parts = [['az', ...azCommand.words].join(' ')];
  for (const [flag, value] of flags) {
    if (value === undefined) {
      continue;
    }
    const values = Array.isArray(value) ? value : [String(value)];
    parts.push([flag, ...values.map(shellWord)].join(' '));
  }
  let text = parts.join(' \\\n  ');
  // A placeholder sits inside a single-quoted word: close the quote, insert the file's base64 (one
  // line, portable to GNU and BSD base64), reopen it.
  for (const [placeholder, path] of Object.entries(azCommand.files ?? {})) {
    text = text.split(placeholder).join(`'"$(base64 < ${shellQuote(path)} | tr -d '\\n')"'`);
  }
  return text;
}

/** A value one action takes from another's resource, as the script carries it: a shell variable set after the earlier step. */
interface ScriptVariable {
  name: string;
  fromAction: string;
  property: string;
  describe: string;
}

/** `identity.principalId` → `identity.principalId`; `ipConfigurations.0.id` → `ipConfigurations[0].id`; other keys quoted. */
export function jmesPath(property: string): string {
  return property
    .split('.')
    .map((segment, index) => (/^\d+$/.test(segment) ? `[${segment}]` : `${index === 0 ? '' : '.'}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? segment : JSON.stringify(segment)}`))
    .join('');
}

/** One variable per (earlier action, property) the plan's bodies reference: `vm_collector_principalId`. */
function scriptVariables(plan: Plan): Map<string, ScriptVariable> {
  const byId = new Map(plan.actions.map((action) => [action.id, action]));
  const variables = new Map<string, ScriptVariable>();
  const used = new Set<string>();
  for (const action of plan.actions) {
    for (const reference of action.bodyFrom ?? []) {
      const key = `${reference.fromAction}|${reference.property}`;
      if (variables.has(key)) {
        continue;
      }
      const source = byId.get(reference.fromAction);
      const base = `${source ? nameOf(source.resourceId) : reference.fromAction}_${reference.property.split('.').pop() ?? 'value'}`.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^(?=\d)/, '_');
      let name = base;
      for (let counter = 2; used.has(name); counter++) {
        name = `${base}_${counter}`;
      }
      used.add(name);
      variables.set(key, { name, fromAction: reference.fromAction, property: reference.property, describe: reference.describe });
    }
  }
  return variables;
}

/** Lines that read `variable` from the resource `source` wrote, and stop the script when it has none. */
function captureLines(source: PlanAction, variable: ScriptVariable): string[] {
  const name = nameOf(source.resourceId);
  const read = renderAzCommand(
    command(['resource', 'show'], [
      ['--ids', source.resourceId],
      ['--api-version', source.apiVersion],
      ['--query', jmesPath(variable.property)],
      ['--output', 'tsv'],
    ]),
    '',
  );
  return [
    `# Read ${commentText(variable.describe)} (${commentText(variable.property)} of ${commentText(name)}) for the steps that use it.`,
    `${variable.name}=$(${read})`,
    `if [ -z "$${variable.name}" ]; then echo ${shellQuote(`${name} has no ${variable.property} (${variable.describe}); stopping.`)} >&2; exit 1; fi`,
  ];
}

/** Words of the `az` commands from the virtual-network-tap extension. */
function needsTapExtension(azCommand: AzCommand): boolean {
  const words = azCommand.words.join(' ');
  return words.startsWith('network vnet tap') || words.startsWith('network nic vtap-config');
}

/**
 * The plan as a bash script for Azure CLI: a header naming the plan and the tenants to sign in to,
 * `set -euo pipefail`, then one command per action in plan order (actions already in place are
 * comments). Every command passes `--subscription`, so the script never depends on `az account set`.
 */
export function toAzureCliScript(plan: Plan, options: CliScriptOptions = {}): string {
  const lines: string[] = ['#!/usr/bin/env bash', `# ${commentText(plan.title)}`, '# Generated by Azure Traffic Lens from the plan it previewed; it makes the same changes as Apply.'];
  for (const line of plan.summary) {
    lines.push(`# ${commentText(line)}`);
  }
  for (const warning of plan.warnings) {
    lines.push(`# Warning: ${commentText(warning)}`);
  }
  const tenants = [...new Set(plan.actions.flatMap((action) => [action.tenantId, ...(action.auxiliaryTenantIds ?? [])]).filter((tenant) => tenant !== ''))];
  if (tenants.length > 1) {
    lines.push('#', '# This plan spans several Microsoft Entra tenants. Sign in to each of them before running it:');
    lines.push(...tenants.map((tenant) => `#   az login --tenant ${commentText(tenant)}`));
  } else {
    lines.push('#', `# Sign in first: az login${tenants.length === 1 ? ` --tenant ${commentText(tenants[0])}` : ''}`);
  }
  lines.push('', 'set -euo pipefail');

  const variables = scriptVariables(plan);
  const variableOf = (fromAction: string, property: string): ScriptVariable => variables.get(`${fromAction}|${property}`)!;
  const withVariables = (action: PlanAction): PlanAction =>
    action.bodyFrom === undefined ? action : { ...action, body: fillReferences(action, (reference) => shellVariableMark(variableOf(reference.fromAction, reference.property).name)), bodyFrom: undefined };
  const commands = plan.actions.map((action) => (action.existing === 'same' ? undefined : azCommandFor(withVariables(action), plan, options)));
  if (commands.some((azCommand) => azCommand !== undefined && needsTapExtension(azCommand))) {
    lines.push('', '# az network vnet tap and az network nic vtap-config come from the virtual-network-tap extension.', 'az extension add --name virtual-network-tap --upgrade --only-show-errors');
  }
  const captures = (action: PlanAction): string[] =>
    [...variables.values()].filter((variable) => variable.fromAction === action.id).flatMap((variable) => captureLines(action, variable));
  plan.actions.forEach((action, index) => {
    const azCommand = commands[index];
    lines.push('');
    if (azCommand === undefined) {
      lines.push(`# ${index + 1}. ${commentText(action.title)}: already in place, nothing to do.`, ...captures(action));
      return;
    }
    lines.push(`# ${index + 1}. ${commentText(action.title)}`);
    if (action.impact) {
      lines.push(`# Impact: ${commentText(action.impact)}`);
    }
    if (action.confirm) {
      lines.push(`# Apply asks before this step: ${commentText(action.confirm)}`);
    }
    lines.push(...azCommand.notes.map((note) => `# ${commentText(note)}`));
    if (!azCommand.isRest) {
      // `az rest` carries the api-version in its URL; an az command picks the one of the installed CLI.
      lines.push(`# Apply sends ${action.resourceType} at api-version=${commentText(action.apiVersion)}; az ${azCommand.words.join(' ')} uses the api-version of the installed Azure CLI.`);
    }
    for (const reference of action.bodyFrom ?? []) {
      const source = plan.actions.findIndex((candidate) => candidate.id === reference.fromAction);
      lines.push(`# ${commentText(reference.path)} is ${commentText(reference.describe)}: $${variableOf(reference.fromAction, reference.property).name}, read after step ${source + 1}.`);
    }
    lines.push(renderAzCommand(azCommand, parseArmPath(action.resourceId).subscriptionId), ...captures(action));
  });
  lines.push('');
  return lines.join('\n');
}
