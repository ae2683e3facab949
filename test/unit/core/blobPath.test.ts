import assert from 'node:assert/strict';
import {
  classifyPrefix,
  dayOfPrefix,
  downloadedBlobTitle,
  localBlobTitle,
  formatMac,
  groupFlowLogBlobs,
  normalizeMac,
  nsgFlowLogContainer,
  parseFlowLogBlobName,
  vnetFlowLogContainer,
  type FlowLogBlobPath,
} from '../../../src/core/blobPath';

const nsgName = 'resourceId=/SUBSCRIPTIONS/3F2A8C91-6D4E-4B7A-9E15-0C8D2B4F6A13/RESOURCEGROUPS/RG-PROD-NETWORK/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-PROD-WEB/y=2024/m=03/d=01/h=10/m=00/macAddress=000D3A7A1001/PT1H.json';
// From the newrelic tests quoted in docs/flow-log-formats.md §1 (subscription completed to a full GUID).
const vnetRealName = 'flowLogResourceID=/9C99D7C5-1F2E-4A3B-8C4D-5E6F7A8B9C0D_BPAVAN-E2E-VNETFLOW-STAGING-BATCH1/NETWORKWATCHER_CENTRALINDIA_FLOWLOG/y=2024/m=05/d=02/h=13/m=00/macAddress=7C1E52F1A9C2/PT1H.json';
const vnetPortalName = 'flowLogResourceID=/9C99D7C5-1F2E-4A3B-8C4D-5E6F7A8B9C0D_NETWORKWATCHERRG/NETWORKWATCHER_EASTUS_MYVNET-MYRESOURCEGROUP-FLOWLOGS/y=2024/m=12/d=31/h=23/m=00/macAddress=00-22-48-7B-C2-05/PT1H.json';
// 2017 NSG blob without the MAC segment (dimitertodorov/nsg-parser).
const nsgLegacyName = 'resourceId=/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/TESTRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/TESTNSG/y=2017/m=09/d=20/h=20/m=00/PT1H.json';

function parsed(name: string, container?: string): FlowLogBlobPath {
  const result = parseFlowLogBlobName(name, container);
  if (!result.ok) {
    assert.fail(`expected ${name} to parse, got: ${result.reason}`);
  }
  return result.path;
}

function reason(name: string, container?: string): string {
  const result = parseFlowLogBlobName(name, container);
  assert.equal(result.ok, false, `expected ${name} to be refused`);
  return result.ok ? '' : result.reason;
}

describe('flow-log blob paths', () => {
  it('parses an NSG blob name into its NSG, subscription, hour and MAC', () => {
    const path = parsed(nsgName, nsgFlowLogContainer);
    assert.equal(path.kind, 'nsg');
    assert.equal(path.container, nsgFlowLogContainer);
    assert.equal(path.resourceId, '/SUBSCRIPTIONS/3F2A8C91-6D4E-4B7A-9E15-0C8D2B4F6A13/RESOURCEGROUPS/RG-PROD-NETWORK/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-PROD-WEB');
    assert.equal(path.subscriptionId, '3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13');
    assert.equal(path.resourceGroup, 'RG-PROD-NETWORK');
    assert.equal(path.targetName, 'NSG-PROD-WEB');
    assert.equal(path.time.toISOString(), '2024-03-01T10:00:00.000Z');
    assert.equal(path.mac, '000D3A7A1001');
    assert.ok(nsgName.startsWith(path.targetPrefix) && path.targetPrefix.endsWith('/NSG-PROD-WEB/'));
  });

  it('parses the VNet layout of the read-flow-logs doc (real example)', () => {
    const path = parsed(vnetRealName, vnetFlowLogContainer);
    assert.equal(path.kind, 'vnet');
    assert.equal(path.layout, 'vnet-watcher');
    assert.equal(path.flowLogResourceId, '/9C99D7C5-1F2E-4A3B-8C4D-5E6F7A8B9C0D_BPAVAN-E2E-VNETFLOW-STAGING-BATCH1/NETWORKWATCHER_CENTRALINDIA_FLOWLOG');
    assert.equal(path.subscriptionId, '9c99d7c5-1f2e-4a3b-8c4d-5e6f7a8b9c0d');
    assert.equal(path.resourceGroup, 'BPAVAN-E2E-VNETFLOW-STAGING-BATCH1');
    assert.equal(path.region, 'CENTRALINDIA');
    assert.equal(path.targetName, 'FLOWLOG');
    assert.equal(path.time.toISOString(), '2024-05-02T13:00:00.000Z');
    assert.equal(path.mac, '7C1E52F1A9C2');
  });

  it("parses the portal doc's {NAME}-{RG}-FLOWLOGS layout and a dashed MAC", () => {
    const path = parsed(vnetPortalName);
    assert.equal(path.kind, 'vnet');
    assert.equal(path.layout, 'vnet-portal');
    assert.equal(path.container, vnetFlowLogContainer);
    assert.equal(path.region, 'EASTUS');
    assert.equal(path.targetName, 'MYVNET-MYRESOURCEGROUP-FLOWLOGS');
    assert.equal(path.resourceGroup, 'NETWORKWATCHERRG');
    assert.equal(path.time.toISOString(), '2024-12-31T23:00:00.000Z');
    assert.equal(path.mac, '0022487BC205');
  });

  it('accepts a flow-log name containing underscores and a full flow-log ARM id', () => {
    const underscored = parsed('flowLogResourceID=/9C99D7C5-1F2E-4A3B-8C4D-5E6F7A8B9C0D_MY_RG/NETWORKWATCHER_WESTEUROPE_FL_VNET_HUB/y=2025/m=01/d=02/h=03/m=00/macAddress=000D3A4C217E/PT1H.json');
    assert.equal(underscored.resourceGroup, 'MY_RG');
    assert.equal(underscored.region, 'WESTEUROPE');
    assert.equal(underscored.targetName, 'FL_VNET_HUB');
    const armId = parsed('flowLogResourceID=/SUBSCRIPTIONS/9C99D7C5-1F2E-4A3B-8C4D-5E6F7A8B9C0D/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_WESTEUROPE/FLOWLOGS/FL-HUB/y=2025/m=01/d=02/h=03/m=00/macAddress=000D3A4C217E/PT1H.json');
    assert.equal(armId.layout, 'vnet-arm-id');
    assert.equal(armId.targetName, 'FL-HUB');
    assert.equal(armId.region, 'WESTEUROPE');
  });

  it('parses 2017 NSG blobs without a macAddress segment', () => {
    const path = parsed(nsgLegacyName);
    assert.equal(path.kind, 'nsg');
    assert.equal(path.mac, undefined);
    assert.equal(path.targetName, 'TESTNSG');
    assert.equal(path.time.toISOString(), '2017-09-20T20:00:00.000Z');
  });

  it('ignores case differences in segment names', () => {
    const lower = parsed(nsgName.replace('resourceId=', 'RESOURCEID=').replace('/SUBSCRIPTIONS/', '/subscriptions/').replace('/PROVIDERS/MICROSOFT.NETWORK/', '/providers/Microsoft.Network/').replace('macAddress=', 'MACADDRESS=').replace('PT1H.json', 'pt1h.JSON'));
    assert.equal(lower.targetName, 'NSG-PROD-WEB');
    assert.equal(lower.mac, '000D3A7A1001');
    const vnet = parsed(vnetRealName.replace('flowLogResourceID=', 'flowlogresourceid=').replace('NETWORKWATCHER_', 'NetworkWatcher_').replace('/h=13/', '/H=13/'));
    assert.equal(vnet.region, 'CENTRALINDIA');
    assert.equal(vnet.time.toISOString(), '2024-05-02T13:00:00.000Z');
  });

  it('says why a name is not a flow-log blob', () => {
    assert.match(reason('insights-operational-logs/some.json'), /no y=YYYY/);
    assert.match(reason(nsgName.replace('/h=10/', '/h=24/')), /not a valid UTC hour/);
    assert.match(reason(nsgName.replace('/d=01/', '/d=31/').replace('/m=03/', '/m=02/')), /not a valid UTC hour/);
    assert.match(reason(nsgName.replace('PT1H.json', 'PT1H.json.tmp')), /macAddress=\{MAC\}\/PT1H\.json/);
    assert.match(reason(nsgName, vnetFlowLogContainer), /NSG flow-log name in the insights-logs-flowlogflowevent container/);
    assert.match(reason(nsgName, 'backups'), /not a flow-log container/);
    assert.match(reason(vnetRealName.replace('/macAddress=7C1E52F1A9C2', '')), /always have a macAddress/);
    assert.match(reason('something=/x/y=2024/m=03/d=01/h=10/m=00/PT1H.json'), /neither resourceId=/);
    assert.match(reason('resourceId=/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/VIRTUALNETWORKS/V/y=2024/m=03/d=01/h=10/m=00/PT1H.json'), /not an NSG path/);
  });

  it('classifies hierarchical-listing prefixes by their last segment', () => {
    const target = 'resourceId=/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG/';
    assert.equal(classifyPrefix('resourceId=/'), 'other');
    assert.equal(classifyPrefix(target), 'other');
    assert.equal(classifyPrefix(`${target}y=2024/`), 'year');
    assert.equal(classifyPrefix(`${target}y=2024/m=03/`), 'month');
    assert.equal(classifyPrefix(`${target}y=2024/m=03/d=01/`), 'day');
    assert.equal(classifyPrefix(`${target}y=2024/m=03/d=01/h=10/`), 'hour');
    assert.equal(classifyPrefix(`${target}y=2024/m=03/d=01/h=10/m=00/`), 'minute');
    assert.equal(classifyPrefix(`${target}y=2024/m=03/d=01/h=10/m=00/macAddress=000D3A7A1001/`), 'mac');
    assert.equal(dayOfPrefix(`${target}y=2024/m=03/d=01/`)?.toISOString(), '2024-03-01T00:00:00.000Z');
    assert.equal(dayOfPrefix(`${target}y=2024/m=03/`), undefined);
  });

  it('groups a listing into target › day › hour › MAC, newest first, case-insensitively per target', () => {
    const at = (day: string, hour: string, mac: string, name = nsgName) => name.replace('/d=01/', `/d=${day}/`).replace('/h=10/', `/h=${hour}/`).replace('000D3A7A1001', mac);
    const blobs = [
      { name: at('01', '10', '000D3A7A1001'), size: 100 },
      { name: at('01', '10', '000D3A7A1002'), size: 200 },
      { name: at('01', '11', '000D3A7A1001'), size: 300 },
      { name: at('02', '00', '000D3A7A1001'), size: 400 },
      { name: at('02', '00', '000D3A7A1002').replace('NSG-PROD-WEB', 'nsg-prod-web'), size: 500 },
      { name: at('01', '10', '000D3A7A1001', nsgName.replace('NSG-PROD-WEB', 'NSG-PROD-APP')), size: 600 },
      { name: nsgLegacyName, size: 700 },
      { name: 'resourceId=/SUBSCRIPTIONS/X/readme.txt', size: 1 },
    ];
    const hierarchy = groupFlowLogBlobs(blobs);
    assert.deepEqual(hierarchy.targets.map((target) => target.targetName), ['NSG-PROD-APP', 'NSG-PROD-WEB', 'TESTNSG']);
    assert.deepEqual(hierarchy.skipped.map((skip) => skip.name), ['resourceId=/SUBSCRIPTIONS/X/readme.txt']);
    const web = hierarchy.targets[1];
    assert.equal(web.kind, 'nsg');
    assert.equal(web.subscriptionId, '3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13');
    assert.deepEqual(web.days.map((day) => day.day.toISOString().slice(0, 10)), ['2024-03-02', '2024-03-01']);
    const first = web.days[1];
    assert.deepEqual(first.hours.map((hour) => hour.time.getUTCHours()), [11, 10]);
    assert.deepEqual(first.hours[1].macs.map((mac) => [mac.mac, mac.blobs[0].size]), [['000D3A7A1001', 100], ['000D3A7A1002', 200]]);
    assert.deepEqual(web.days[0].hours[0].macs.map((mac) => mac.blobs[0].size), [400, 500]);
    const legacy = hierarchy.targets[2];
    assert.equal(legacy.days[0].hours[0].macs[0].mac, undefined);
  });

  it('normalises and formats MAC addresses', () => {
    assert.equal(normalizeMac('00-0d-3a-7a-10-01'), '000D3A7A1001');
    assert.equal(normalizeMac('00:0D:3A:7A:10:01'), '000D3A7A1001');
    assert.equal(normalizeMac('000D3A7A10'), undefined);
    assert.equal(formatMac('000D3A7A1001'), '00-0D-3A-7A-10-01');
  });
});

describe('titles of downloaded blobs', () => {
  it('names the account, hour and MAC of one blob, and nothing for a merged file', () => {
    assert.equal(
      downloadedBlobTitle('/sthub/insights-logs-flowlogflowevent/flowLogResourceID=/9C99D7C5-1B2A-4F3E-9C8D-7A6B5C4D3E2F_RG/NETWORKWATCHER_CENTRALINDIA_FLOWLOG/y=2026/m=12/d=07/h=01/m=00/macAddress=000D3A7A1001/PT1H.json'),
      'sthub › 2026-12-07 01:00 › 000D3A7A1001',
    );
    assert.equal(downloadedBlobTitle('/sthub/insights-logs-flowlogflowevent/fl-vnet_2026-12-07T01-03.json'), undefined);
    assert.equal(downloadedBlobTitle('/sthub'), undefined);
  });
});

describe('titles of flow-log files on disk', () => {
  it("names the hour and MAC of a file kept in Azure's layout, and nothing for other files", () => {
    assert.equal(localBlobTitle('/home/me/logs/y=2026/m=12/d=07/h=13/m=00/macAddress=000D3A7A1001/PT1H.json'), '2026-12-07 13:00 › 000D3A7A1001');
    assert.equal(localBlobTitle('C:\\logs\\y=2026\\m=12\\d=07\\h=13\\m=00\\macAddress=00-0d-3a-7a-10-01\\PT1H.json'), '2026-12-07 13:00 › 000D3A7A1001', 'Windows separators, a MAC with dashes');
    assert.equal(localBlobTitle('/logs/resourceId=/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG/y=2026/m=12/d=07/h=09/m=00/PT1H.json'), '2026-12-07 09:00', 'an NSG blob without a MAC');
    assert.equal(localBlobTitle('/home/me/logs/PT1H.json'), undefined);
    assert.equal(localBlobTitle('/logs/y=2026/m=13/d=07/h=13/m=00/macAddress=000D3A7A1001/PT1H.json'), undefined, 'no such month');
    assert.equal(localBlobTitle('/logs/y=2026/m=12/d=07/h=13/m=00/macAddress=000D3A7A1001/flows.json'), undefined);
  });
});
