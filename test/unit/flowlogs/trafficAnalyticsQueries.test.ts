import * as assert from 'node:assert/strict';
import {
  GalleryParameterError,
  galleryQueryText,
  trafficAnalyticsColumns,
  trafficAnalyticsGallery,
  trafficAnalyticsTableOf,
  trafficAnalyticsTables,
} from '../../../src/flowlogs/trafficAnalyticsQueries';

const parameters = { hours: 24, addressA: '10.2.1.4', addressB: '10.0.2.5', subnet: '10.2.1.0/24', port: 443 };

describe('trafficAnalyticsQueries: the gallery', () => {
  it('builds every query for both tables, reading only that table and its own columns', () => {
    for (const table of trafficAnalyticsTables) {
      const other = trafficAnalyticsTables.find((candidate) => candidate !== table) ?? table;
      for (const query of trafficAnalyticsGallery) {
        const text = galleryQueryText(query.id, table, parameters);
        assert.equal(trafficAnalyticsTableOf(text), table, `${query.id} on ${table}`);
        assert.match(text, new RegExp(`\\| where ${trafficAnalyticsColumns[table].subType} == 'FlowLog' and TimeGenerated > ago\\(24h\\)`));
        // A column only the other table has (the NSG table's _s/_d suffixes) never leaks in.
        const foreign = Object.values(trafficAnalyticsColumns[other]).filter((column) => !Object.values(trafficAnalyticsColumns[table]).includes(column));
        for (const column of foreign) {
          assert.ok(!new RegExp(`\\b${column}\\b`).test(text), `${query.id} on ${table} names ${column}`);
        }
      }
    }
  });

  it('puts the parameters in: both directions between two addresses, the subnet block, the port', () => {
    const between = galleryQueryText('between', 'NTANetAnalytics', parameters);
    assert.match(between, /\(SrcIp == '10\.2\.1\.4' and DestIp == '10\.0\.2\.5'\) or \(SrcIp == '10\.0\.2\.5' and DestIp == '10\.2\.1\.4'\)/);
    assert.match(galleryQueryText('deniedIntoSubnet', 'AzureNetworkAnalytics_CL', parameters), /FlowStatus_s in \('D', 'Denied'\) and ipv4_is_in_range\(DestIP_s, '10\.2\.1\.0\/24'\)/);
    assert.match(galleryQueryText('portUsers', 'AzureNetworkAnalytics_CL', parameters), /where DestPort_d == 443\n/);
    assert.match(galleryQueryText('topTalkers', 'NTANetAnalytics', { hours: 168 }), /ago\(168h\)[\s\S]*top 10 by Bytes desc/);
  });

  it('refuses a missing or malformed parameter, naming it, so nothing odd reaches the KQL', () => {
    assert.throws(() => galleryQueryText('between', 'NTANetAnalytics', { hours: 24, addressA: '10.2.1.4' }), (error: unknown) => error instanceof GalleryParameterError && /second address/.test(error.message));
    assert.throws(() => galleryQueryText('between', 'NTANetAnalytics', { hours: 24, addressA: "10.0.0.1' or 1==1 //", addressB: '10.0.0.2' }), /first address must be an IP address/);
    assert.throws(() => galleryQueryText('deniedIntoSubnet', 'NTANetAnalytics', { hours: 24, subnet: '10.2.1.0' }), /subnet must be an IPv4 CIDR block/);
    assert.throws(() => galleryQueryText('portUsers', 'NTANetAnalytics', { hours: 24, port: 70000 }), /port must be a whole number from 0 to 65535/);
    assert.throws(() => galleryQueryText('topTalkers', 'NTANetAnalytics', { hours: 0 }), /time range must be a whole number of hours/);
  });

  it('knows a query’s table from its first word, after comments', () => {
    assert.equal(trafficAnalyticsTableOf('// note\nazurenetworkanalytics_cl | take 1'), 'AzureNetworkAnalytics_CL');
    assert.equal(trafficAnalyticsTableOf('Heartbeat | take 1'), undefined);
  });
});
