import assert from 'node:assert/strict';
import { bypassesAzureServices, defaultFlowLogName, validateFlowLogName, validateRetentionDays, validateStorageAccountName } from '../../../../src/wizards/flowLogs/checks';
import { estimateFlowLogNumbers, estimateFlowLogs } from '../../../../src/wizards/flowLogs/estimate';

describe('Flow-log validators', () => {
  it('applies Azure storage account naming rules', () => {
    assert.equal(validateStorageAccountName('stflowlogs01'), undefined);
    assert.match(validateStorageAccountName('st') ?? '', /3 to 24/);
    assert.match(validateStorageAccountName('a'.repeat(25)) ?? '', /3 to 24/);
    assert.match(validateStorageAccountName('St-Flow') ?? '', /lowercase letters and digits/);
  });

  it('applies network resource naming rules to flow log names', () => {
    assert.equal(validateFlowLogName('fl-vnet-dev-spoke'), undefined);
    assert.equal(validateFlowLogName('fl_1'), undefined);
    assert.ok(validateFlowLogName('-fl'));
    assert.ok(validateFlowLogName('fl-'));
    assert.ok(validateFlowLogName('fl/x'));
    assert.ok(validateFlowLogName('a'.repeat(81)));
  });

  it('accepts retention from 0 to 365 days', () => {
    assert.equal(validateRetentionDays('0'), undefined);
    assert.equal(validateRetentionDays(' 365 '), undefined);
    assert.ok(validateRetentionDays('366'));
    assert.ok(validateRetentionDays('-1'));
    assert.ok(validateRetentionDays('7.5'));
    assert.ok(validateRetentionDays(''));
  });

  it('derives valid default names from targets', () => {
    assert.equal(defaultFlowLogName({ name: 'vnet-dev-spoke' }), 'fl-vnet-dev-spoke');
    assert.equal(defaultFlowLogName({ name: 'vnet-dev-spoke/snet-app' }), 'fl-vnet-dev-spoke-snet-app');
    assert.equal(validateFlowLogName(defaultFlowLogName({ name: `${'x'.repeat(77)}.-y` })), undefined);
  });

  it('reads the trusted-services bypass from a comma-separated list', () => {
    assert.equal(bypassesAzureServices('Logging, Metrics, AzureServices'), true);
    assert.equal(bypassesAzureServices('None'), false);
    assert.equal(bypassesAzureServices(undefined), false);
  });
});

describe('Flow-log estimate', () => {
  it('computes volume from NICs × flows per hour × bytes per flow, and cost from list prices', () => {
    const numbers = estimateFlowLogNumbers({ nicCount: 100, flowsPerHourPerNic: 1000, retentionDays: 30 });
    const expectedGb = (100 * 1000 * 2 * 114 * 730) / 1024 ** 3;
    assert.ok(Math.abs(numbers.gbPerMonth - expectedGb) < 1e-9);
    assert.ok(Math.abs(numbers.collectionCost - (expectedGb - 5) * 0.5) < 1e-9);
    assert.equal(numbers.trafficAnalyticsCost, 0);
    const withAnalytics = estimateFlowLogNumbers({ nicCount: 100, flowsPerHourPerNic: 1000, retentionDays: 30, trafficAnalyticsIntervalMinutes: 10 });
    assert.ok(Math.abs(withAnalytics.trafficAnalyticsCost - expectedGb * 3.5) < 1e-9);
    assert.ok(withAnalytics.total > numbers.total);
  });

  it('charges nothing for collection under the free 5 GB and keeps storage growing when kept forever', () => {
    const small = estimateFlowLogNumbers({ nicCount: 1, flowsPerHourPerNic: 100, retentionDays: 0 });
    assert.equal(small.collectionCost, 0);
    assert.ok(Math.abs(small.storedGb - small.gbPerMonth * 12) < 1e-9);
  });

  it('is labelled an estimate and shows its inputs, prices with their date included', () => {
    const estimate = estimateFlowLogs({ nicCount: 2, flowsPerHourPerNic: 500, retentionDays: 7, trafficAnalyticsIntervalMinutes: 60 });
    assert.equal(estimate.title, 'Flow-log volume and monthly cost');
    assert.ok(estimate.inputs.some((line) => line.includes('NICs covered: 2')));
    assert.ok(estimate.inputs.some((line) => line.includes('Flows per hour per NIC (assumed): 500')));
    assert.ok(estimate.inputs.some((line) => /\$0\.50\/GB.*December 2026/.test(line)));
    assert.ok(estimate.lines.some((line) => line.includes('60-minute interval')));
  });
});
