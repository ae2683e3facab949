import assert from 'node:assert/strict';
import type { DiscoveredTarget } from '../../../src/azure/storageFlowLogs';
import { StorageProblemError } from '../../../src/azure/storageProblem';
import { groupFlowLogBlobs, nsgFlowLogContainer, parseTarget, vnetFlowLogContainer, type ListedBlob } from '../../../src/core/blobPath';
import {
  describeFlowLogBlob,
  describeStorageDay,
  describeStorageHour,
  describeStorageTarget,
  downloadFileName,
  flowLogContainer,
  hourLabel,
  hourRangeLabel,
  isTargetOfFlowLog,
  storageErrorRow,
  storageProblemRow,
} from '../../../src/tree/storageItems';
import { formatBytes } from '../../../src/core/quantities';
import { armId, flowLog } from './builders';

const subscriptionId = '11111111-2222-3333-4444-555555555555';

/** A target as `FlowLogStorage.listTargets` reports it, parsed from a real listing prefix. */
function target(prefix: string): DiscoveredTarget {
  const parsed = parseTarget(prefix);
  assert.ok(parsed.ok, `not a target prefix: ${prefix}`);
  return {
    kind: parsed.kind,
    prefix,
    name: parsed.fields.targetName,
    subscriptionId: parsed.fields.subscriptionId,
    resourceGroup: parsed.fields.resourceGroup,
    ...(parsed.fields.region === undefined ? {} : { region: parsed.fields.region }),
    pathId: parsed.fields.resourceId ?? parsed.fields.flowLogResourceId ?? '',
  };
}

const vnetPrefix = (name: string, region = 'GERMANYWESTCENTRAL', sub = subscriptionId.toUpperCase()): string => `flowLogResourceID=/${sub}_RG-NET/NETWORKWATCHER_${region}_${name}/`;
const nsgPrefix = (name: string): string => `resourceId=/SUBSCRIPTIONS/${subscriptionId.toUpperCase()}/RESOURCEGROUPS/RG-NET/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/${name}/`;

function plain(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

describe('flow-log storage rows', () => {
  it('looks for NSG flow logs in the NSG container and VNet flow logs in the VNet container', () => {
    assert.equal(flowLogContainer(flowLog({ target: armId.nsg('nsg-web') })), nsgFlowLogContainer);
    assert.equal(flowLogContainer(flowLog({ target: armId.vnet('vnet-a') })), vnetFlowLogContainer);
  });

  it('matches a VNet flow log to its own target only: name, region and subscription, in either documented spelling', () => {
    const log = flowLog({ name: 'fl-vnet-a' });
    assert.equal(isTargetOfFlowLog(target(vnetPrefix('FL-VNET-A')), log), true);
    assert.equal(isTargetOfFlowLog(target(vnetPrefix('FL-VNET-A-RG-NET-FLOWLOGS')), log), true, 'the portal layout {NAME}-{RG}-FLOWLOGS');
    assert.equal(isTargetOfFlowLog(target(vnetPrefix('FL-VNET-B')), log), false, 'another flow log in the same account');
    assert.equal(isTargetOfFlowLog(target(vnetPrefix('FL-VNET-A', 'UKSOUTH')), log), false, 'same name under another region\'s watcher');
    assert.equal(isTargetOfFlowLog(target(vnetPrefix('FL-VNET-A', 'GERMANYWESTCENTRAL', '99999999-2222-3333-4444-555555555555')), log), false, 'same name in another subscription');
  });

  it('matches an NSG flow log to the blobs of its NSG, whatever the case of the path', () => {
    const log = flowLog({ name: 'fl-nsg-web', target: armId.nsg('nsg-web') });
    assert.equal(isTargetOfFlowLog(target(nsgPrefix('NSG-WEB')), log), true);
    assert.equal(isTargetOfFlowLog(target(nsgPrefix('NSG-DB')), log), false);
  });

  it('labels the target, day, hour and blob rows as the user browses them', () => {
    const blobs: ListedBlob[] = [
      { name: `${vnetPrefix('FL-VNET-A')}y=2024/m=03/d=01/h=10/m=00/macAddress=000D3A7A1001/PT1H.json`, size: 2048, lastModified: new Date('2024-03-01T10:59:00Z') },
      { name: `${vnetPrefix('FL-VNET-A')}y=2024/m=03/d=01/h=10/m=00/macAddress=000D3A7A1002/PT1H.json`, size: 1024 },
      { name: `${vnetPrefix('FL-VNET-A')}y=2024/m=03/d=01/h=23/m=00/macAddress=000D3A7A1001/PT1H.json`, size: 10 },
    ];
    const hierarchy = groupFlowLogBlobs(blobs, vnetFlowLogContainer);
    const day = hierarchy.targets[0].days[0];

    const targetRow = describeStorageTarget(target(vnetPrefix('FL-VNET-A')), vnetFlowLogContainer, 'stlogs');
    assert.equal(targetRow.label, 'FL-VNET-A');
    assert.equal(targetRow.description, 'VNet flow logs · stlogs');
    assert.ok(targetRow.collapsible);
    assert.match(targetRow.contextValue, /canOpenTimeRange/);

    const dayRow = describeStorageDay({ prefix: `${vnetPrefix('FL-VNET-A')}y=2024/m=03/d=01/`, day: day.day });
    assert.equal(dayRow.label, '2024-03-01');

    assert.deepEqual(day.hours.map((hour) => [describeStorageHour(hour).label, describeStorageHour(hour).description]), [
      ['23:00–00:00 UTC', '1 MAC · 10 B'],
      ['10:00–11:00 UTC', '2 MACs · 3.0 KB'],
    ]);

    const blob = day.hours[1].macs[0].blobs[0];
    const blobRow = describeFlowLogBlob(blob);
    assert.equal(blobRow.label, '00-0D-3A-7A-10-01');
    assert.equal(blobRow.description, '2.0 KB');
    assert.equal(blobRow.collapsible, false);
    assert.match(blobRow.contextValue, /canOpenBlob/);
    assert.match(plain(blobRow.tooltip), /Last written: 2024-03-01T10:59:00Z/);
    assert.match(plain(blobRow.tooltip), /macAddress=000D3A7A1001\/PT1H\.json/);
  });

  it('labels a 2017-era NSG blob without a MAC by its file name', () => {
    const hierarchy = groupFlowLogBlobs([{ name: `${nsgPrefix('NSG-WEB')}y=2017/m=06/d=01/h=00/m=00/PT1H.json` }], nsgFlowLogContainer);
    const row = describeFlowLogBlob(hierarchy.targets[0].days[0].hours[0].macs[0].blobs[0]);
    assert.equal(row.label, 'PT1H.json');
    assert.equal(row.description, '');
  });

  it('escapes Markdown in names taken from blob paths', () => {
    const row = describeStorageTarget({ ...target(vnetPrefix('FL-A')), name: 'fl_*evil*<b>' }, vnetFlowLogContainer, 'stlogs');
    assert.doesNotMatch(row.tooltip, /<b>/);
    assert.match(row.tooltip, /fl\\_\\\*evil\\\*&lt;b&gt;/);
  });

  it('names downloaded files after the flow log, hour and MAC, safe for any file system', () => {
    const hour = new Date('2024-03-01T10:00:00Z');
    assert.equal(downloadFileName('fl-vnet-a', hour, undefined, '000D3A7A1001'), 'fl-vnet-a_2024-03-01T10_000D3A7A1001.json');
    assert.equal(downloadFileName('fl-vnet-a', new Date('2024-03-01T08:00:00Z'), hour), 'fl-vnet-a_2024-03-01T08-10.json');
    assert.equal(downloadFileName('../x:y', hour), '__x_y_2024-03-01T10.json', 'no path separators, no leading dot');
    assert.equal(downloadFileName('fl-vnet-a', new Date('2024-02-29T22:00:00Z'), hour), 'fl-vnet-a_2024-02-29T22_to_2024-03-01T10.json', 'a range over midnight names both days');
  });

  it('labels an hour range on one day, and over midnight with both days', () => {
    assert.equal(hourRangeLabel(new Date('2024-03-01T08:00:00Z'), new Date('2024-03-01T10:00:00Z')), '2024-03-01 08:00–11:00 UTC');
    assert.equal(hourRangeLabel(new Date('2024-02-29T22:00:00Z'), new Date('2024-03-01T01:00:00Z')), '2024-02-29 22:00 – 2024-03-01 02:00 UTC');
    assert.equal(hourRangeLabel(new Date('2024-02-29T22:00:00Z'), new Date('2024-02-29T23:00:00Z')), '2024-02-29 22:00–00:00 UTC', 'the last hour of a day ends at midnight');
  });

  it('formats sizes and hours', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
    assert.equal(hourLabel(new Date('2024-03-01T09:00:00Z')), '09:00–10:00 UTC');
  });

  it('turns a missing-role refusal into an error row naming the role and the account', () => {
    const problem = new StorageProblemError({
      code: 'missingRole',
      message: 'Reading flow logs with your sign-in needs the role Storage Blob Data Reader on account stlogs.',
      accountName: 'stlogs',
      status: 403,
      azureCode: 'AuthorizationPermissionMismatch',
      canUseAccountKey: true,
    });
    assert.deepEqual(storageProblemRow(problem), { code: 'AuthorizationPermissionMismatch', message: problem.message, status: 403 });
    const network = new StorageProblemError({ code: 'network', message: 'Couldn\'t reach storage account stlogs.', accountName: 'stlogs', canUseAccountKey: false });
    assert.deepEqual(storageProblemRow(network), { code: 'Storage account unreachable', message: network.message });
    assert.equal(storageErrorRow(network).label, network.message, 'no internal code in front of the message');
  });

  it('offers the account key on a refused sign-in, in a row naming the missing role and the account', () => {
    const refused = new StorageProblemError({
      code: 'missingRole',
      message: 'Azure Storage refused to list flow logs on account sthubflowlogs with your sign-in (AuthorizationPermissionMismatch).',
      accountName: 'sthubflowlogs',
      status: 403,
      azureCode: 'AuthorizationPermissionMismatch',
      canUseAccountKey: true,
    });
    assert.deepEqual(storageErrorRow(refused), {
      label: 'Needs the Storage Blob Data Reader role on sthubflowlogs',
      problem: { code: 'AuthorizationPermissionMismatch', message: refused.message, status: 403 },
      offerAccountKey: true,
    });
  });

  it('shows other storage failures with their code and message and no key offer', () => {
    const missing = new StorageProblemError({
      code: 'containerNotFound',
      message: 'Storage account stlogs has no container insights-logs-flowlogflowevent.',
      accountName: 'stlogs',
      status: 404,
      azureCode: 'ContainerNotFound',
      canUseAccountKey: false,
    });
    assert.deepEqual(storageErrorRow(missing), {
      label: `ContainerNotFound: ${missing.message} (404)`,
      problem: { code: 'ContainerNotFound', message: missing.message, status: 404 },
      offerAccountKey: false,
    });
    const keyRefused = new StorageProblemError({ code: 'keyRejected', message: 'Azure Storage refused the account key of stlogs.', accountName: 'stlogs', status: 403, canUseAccountKey: true });
    const row = storageErrorRow(keyRefused);
    assert.equal(row.offerAccountKey, false, 'a refused key is not offered again from the row');
    assert.equal(row.label, `${keyRefused.message} (403)`);
    assert.equal(row.problem.code, 'Account key refused');
  });
});
