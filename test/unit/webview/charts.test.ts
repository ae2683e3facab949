import * as assert from 'node:assert/strict';
import { brushRange, chartFilterFor, isChartFilterActive, timelineBars } from '../../../media/flowlogs/charts';
import type { Timeline } from '../../../src/core/viewerProtocol';

describe('chart clicks and the traffic-over-time chart', () => {
  it('sets a top talker as the IP filter, keeping the other filters, and clears it on a second click', () => {
    const set = chartFilterFor({ port: '443' }, { kind: 'talker', ip: '10.0.0.6' });
    assert.deepEqual(set, { port: '443', ip: '10.0.0.6' });
    assert.equal(isChartFilterActive(set, { kind: 'talker', ip: '10.0.0.6' }), true);
    assert.deepEqual(chartFilterFor(set, { kind: 'talker', ip: '10.0.0.6' }), { port: '443' });
    assert.deepEqual(chartFilterFor(set, { kind: 'talker', ip: '10.0.0.7' }), { port: '443', ip: '10.0.0.7' }, 'another talker replaces it');
  });

  it('sets a denied port as port, protocol and decision', () => {
    assert.deepEqual(chartFilterFor({}, { kind: 'deniedPort', label: '22/TCP' }), { decision: 'deny', port: '22', protocols: [6] });
    assert.deepEqual(chartFilterFor({}, { kind: 'deniedPort', label: '53/UDP' }), { decision: 'deny', port: '53', protocols: [17] });
    assert.deepEqual(chartFilterFor({}, { kind: 'deniedPort', label: '0/47' }), { decision: 'deny', port: '0', protocols: [47] });
    const active = { decision: 'deny' as const, port: '22', protocols: [6] };
    assert.equal(isChartFilterActive(active, { kind: 'deniedPort', label: '22/TCP' }), true);
    assert.deepEqual(chartFilterFor(active, { kind: 'deniedPort', label: '22/TCP' }), { decision: 'deny' });
  });

  it('toggles the decision', () => {
    assert.deepEqual(chartFilterFor({}, { kind: 'decision', decision: 'deny' }), { decision: 'deny' });
    assert.deepEqual(chartFilterFor({ decision: 'deny' }, { kind: 'decision', decision: 'deny' }), {});
    assert.deepEqual(chartFilterFor({ decision: 'deny' }, { kind: 'decision', decision: 'allow' }), { decision: 'allow' });
  });

  const start = Date.UTC(2022, 8, 14, 9, 0);
  const timeline: Timeline = {
    start,
    bucketMs: 60_000,
    allowedFlows: [1, 0, 4, 2],
    deniedFlows: [0, 3, 1, 0],
    allowedBytes: [100, 0, 400, 200],
    deniedBytes: [0, 0, 0, 0],
  };

  it('draws one stacked bar per minute, scaled to the tallest', () => {
    const flows = timelineBars(timeline, 'flows');
    assert.equal(flows.bars.length, 4);
    assert.equal(flows.max, 5);
    assert.deepEqual(flows.bars[1], { start: start + 60_000, end: start + 120_000, allowed: 0, denied: 3 });
    assert.equal(timelineBars(timeline, 'bytes').max, 400);
  });

  it('turns a drag into whole minutes, whichever way it went', () => {
    assert.deepEqual(brushRange(timeline, 0.3, 0.6), { timeFrom: start + 60_000, timeTo: start + 180_000 - 1 });
    assert.deepEqual(brushRange(timeline, 0.6, 0.3), { timeFrom: start + 60_000, timeTo: start + 180_000 - 1 });
    assert.deepEqual(brushRange(timeline, -0.2, 1.4), { timeFrom: start, timeTo: start + 240_000 - 1 }, 'clamped to the chart');
    assert.deepEqual(brushRange(timeline, 0.9, 0.9), { timeFrom: start + 180_000, timeTo: start + 240_000 - 1 }, 'a click selects its minute');
  });
});
