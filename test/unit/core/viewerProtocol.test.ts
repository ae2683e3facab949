import * as assert from 'node:assert/strict';
import { isColumnLayouts, isViewToHost, type ViewToHost } from '../../../src/core/viewerProtocol';

describe('protocol: isViewToHost', () => {
  const query = { mode: 'tuples', filter: { decision: 'deny' }, sort: { column: 'time', descending: false } };

  it('accepts every message the page sends', () => {
    const messages: ViewToHost[] = [
      { type: 'ready' },
      { type: 'query', requestId: 1, epoch: 1, query: { mode: 'tuples', filter: {} } },
      { type: 'rows', requestId: 2, epoch: 1, offset: 0, limit: 100 },
      { type: 'detail', requestId: 3, mode: 'connections', id: 7 },
      { type: 'export', format: 'ecs', query: { mode: 'connections', filter: { ip: '10.0.0.0/8' } } },
      { type: 'keepRepeatedRecords', keep: true },
    ];
    for (const message of messages) {
      assert.equal(isViewToHost(message), true, JSON.stringify(message));
    }
    assert.equal(isViewToHost({ type: 'query', requestId: 1, epoch: 0, query }), true);
  });

  it('rejects anything else', () => {
    const rejected: unknown[] = [
      undefined,
      null,
      'ready',
      [],
      { type: 'ready!' },
      { type: 'query', requestId: -1, epoch: 1, query },
      { type: 'query', requestId: 1, epoch: 1.5, query },
      { type: 'query', requestId: 1, epoch: 1, query: { mode: 'packets', filter: {} } },
      { type: 'query', requestId: 1, epoch: 1, query: { mode: 'tuples' } },
      { type: 'rows', requestId: 1, epoch: 1, offset: '0', limit: 10 },
      { type: 'detail', requestId: 1, mode: 'tuples' },
      { type: 'export', format: 'xml', query },
      { type: 'keepRepeatedRecords', keep: 'yes' },
      // The page reports nothing of what it renders: a script added to it may, to its add-on.
      { type: 'rendered', epoch: 2, mode: 'tuples', total: 19, columns: ['Time'], rows: [['2022-09-14 09:00:03.599']], filterProblems: [], summary: 'x', loading: false },
      { type: 'init', protocolVersion: 1 },
    ];
    for (const message of rejected) {
      assert.equal(isViewToHost(message), false, JSON.stringify(message));
    }
  });
});

describe('column layouts from the page or globalState', () => {
  it('accepts a layout per mode and refuses unknown columns, modes and widths', () => {
    assert.equal(isColumnLayouts({ tuples: { order: ['time', 'srcOwner'], hidden: ['srcPort'], widths: { rule: 300 } } }), true);
    assert.equal(isColumnLayouts({}), true);
    assert.equal(isColumnLayouts({ tuples: { order: ['nope'], hidden: [], widths: {} } }), false);
    assert.equal(isColumnLayouts({ flows: { order: [], hidden: [], widths: {} } }), false);
    assert.equal(isColumnLayouts({ tuples: { order: [], hidden: [], widths: { rule: -1 } } }), false);
    assert.equal(isColumnLayouts({ tuples: { order: [], hidden: [] } }), false);
    assert.equal(isViewToHost({ type: 'saveColumns', columns: { connections: { order: [], hidden: ['duration'], widths: {} } } }), true);
    assert.equal(isViewToHost({ type: 'saveColumns', columns: 'all' }), false);
  });
});
