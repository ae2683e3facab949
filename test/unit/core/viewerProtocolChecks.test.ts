import * as assert from 'node:assert/strict';
import { checkViewToHost, filterProblem, filterTextLimits, maxRowsPerRequest, sortProblem } from '../../../src/core/viewerProtocolChecks';
import type { RowFilter, ViewToHost } from '../../../src/core/viewerProtocol';

/** A query message as the page sends it, with `change` applied to its query. */
function queryMessage(change: Record<string, unknown> = {}, filter: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'query', requestId: 4, epoch: 2, query: { mode: 'tuples', filter, ...change }, window: { offset: 0, limit: 300 } };
}

function refusal(value: unknown): string {
  const result = checkViewToHost(value);
  assert.equal(result.message, undefined, `accepted ${JSON.stringify(value)}`);
  return result.problem ?? '';
}

describe('protocol checks: messages from the flow-log page', () => {
  it('accepts every message the page sends, with every filter field set', () => {
    const filter: RowFilter = {
      text: 'web',
      ip: '2001:db8::/32',
      port: '80,443,8000-8100',
      protocols: [6, 17],
      direction: 'inbound',
      decision: 'deny',
      states: ['begin', 'none'],
      rule: 'DefaultRule_DenyAllInBound',
      timeFrom: 1663146000000,
      timeTo: 1663149599999,
    };
    const messages: ViewToHost[] = [
      { type: 'ready' },
      { type: 'query', requestId: 1, epoch: 1, query: { mode: 'connections', filter, sort: { column: 'duration', descending: true } }, window: { offset: 100, limit: 200 } },
      { type: 'rows', requestId: 2, epoch: 1, offset: 0, limit: 100 },
      { type: 'detail', requestId: 3, mode: 'tuples', id: 0 },
      { type: 'export', format: 'ndjson', query: { mode: 'tuples', filter: {} } },
      { type: 'saveColumns', columns: { tuples: { order: ['rule', 'time'], hidden: [], widths: { rule: 320 } } } },
      { type: 'keepRepeatedRecords', keep: true },
      { type: 'keepRepeatedRecords', keep: false },
    ];
    for (const message of messages) {
      assert.deepEqual(checkViewToHost(message), { message }, JSON.stringify(message));
    }
  });

  it('passes values the user typed that do not parse, for the query to answer next to their field', () => {
    assert.equal(filterProblem({ ip: '10.0.0.0/40', port: '70000', text: '', rule: '' }), undefined);
    assert.equal(filterProblem({ port: 'abc' }), undefined);
  });

  it('treats a filter field set to undefined as absent', () => {
    assert.equal(filterProblem({ ip: undefined, timeFrom: undefined }), undefined);
  });

  it('refuses what is not a message, naming why', () => {
    assert.equal(refusal(null), 'the message is not an object');
    assert.equal(refusal(['ready']), 'the message is not an object');
    assert.equal(refusal({}), 'the message type undefined is not one the page sends');
    assert.equal(refusal({ type: 'init' }), 'the message type "init" is not one the page sends');
    assert.equal(refusal({ type: 'toString' }), 'the message type "toString" is not one the page sends');
  });

  it('refuses bad request ids, epochs, windows and row ranges', () => {
    assert.equal(refusal({ ...queryMessage(), requestId: -1 }), '"query" message: requestId must be a whole number of 0 or more');
    assert.equal(refusal({ ...queryMessage(), epoch: 1.5 }), '"query" message: epoch must be a whole number of 0 or more');
    assert.equal(refusal({ ...queryMessage(), window: { offset: 0 } }), '"query" message: window.limit must be a whole number of 0 or more');
    assert.equal(refusal({ ...queryMessage(), window: { offset: 0, limit: maxRowsPerRequest + 1 } }), `"query" message: window.limit must be at most ${maxRowsPerRequest}`);
    assert.equal(refusal({ ...queryMessage(), window: { offset: 0, limit: 10, from: 3 } }), '"query" message: window has an unknown field "from"');
    assert.equal(refusal({ type: 'rows', requestId: 1, epoch: 1, offset: '0', limit: 10 }), '"rows" message: offset must be a whole number of 0 or more');
    assert.equal(refusal({ type: 'rows', requestId: 1, epoch: 1, offset: 0, limit: 1e9 }), `"rows" message: limit must be at most ${maxRowsPerRequest}`);
    assert.equal(refusal({ type: 'detail', requestId: 1, mode: 'tuples' }), '"detail" message: id must be a whole number of 0 or more');
    assert.equal(refusal({ type: 'detail', requestId: 1, mode: 'packets', id: 1 }), '"detail" message: mode must be one of "tuples", "connections"');
  });

  it('refuses a query of an unknown mode, without a filter, or with unknown fields', () => {
    assert.equal(refusal(queryMessage({ mode: 'packets' })), '"query" message: query.mode must be one of "tuples", "connections"');
    assert.equal(refusal({ ...queryMessage(), query: { mode: 'tuples' } }), '"query" message: query.filter must be an object');
    assert.equal(refusal(queryMessage({ limit: 5 })), '"query" message: query has an unknown field "limit"');
    assert.equal(refusal({ type: 'export', format: 'xml', query: { mode: 'tuples', filter: {} } }), '"export" message: format must be one of "csv", "ndjson", "ecs"');
    assert.equal(refusal({ type: 'export', format: 'csv', query: { mode: 'tuples', filter: { port: 443 } } }), '"export" message: query.filter.port must be text');
  });

  it('refuses a sort by an unknown column or without a direction', () => {
    assert.equal(refusal(queryMessage({ sort: { column: 'constructor', descending: false } })), '"query" message: query.sort.column must be one of "time", "srcIp", "srcPort", "dstIp", "dstPort", "protocol", "direction", "decision", "state", "rule", "packets", "bytes", "duration"');
    assert.equal(refusal(queryMessage({ sort: { column: 'bytes' } })), '"query" message: query.sort.descending must be true or false');
    assert.equal(refusal(queryMessage({ sort: { column: 'bytes', descending: 'yes' } })), '"query" message: query.sort.descending must be true or false');
    assert.equal(refusal(queryMessage({ sort: 'bytes' })), '"query" message: query.sort must be an object');
    assert.equal(sortProblem({ column: 'bytes', descending: true, nulls: 'last' }), 'sort has an unknown field "nulls"');
  });

  it('refuses each filter field of the wrong type, size or value', () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ text: 42 }, 'query.filter.text must be text'],
      [{ text: 'x'.repeat(filterTextLimits.text + 1) }, `query.filter.text is ${filterTextLimits.text + 1} characters long; at most ${filterTextLimits.text} are allowed`],
      [{ ip: ['10.0.0.0/8'] }, 'query.filter.ip must be text'],
      [{ ip: `10.0.0.0/8${' '.repeat(filterTextLimits.ip)}` }, `query.filter.ip is ${filterTextLimits.ip + 10} characters long; at most ${filterTextLimits.ip} are allowed`],
      [{ port: { from: 1, to: 2 } }, 'query.filter.port must be text'],
      [{ port: '1,'.repeat(filterTextLimits.port) }, `query.filter.port is ${2 * filterTextLimits.port} characters long; at most ${filterTextLimits.port} are allowed`],
      [{ rule: null }, 'query.filter.rule must be text'],
      [{ rule: 'r'.repeat(filterTextLimits.rule + 1) }, `query.filter.rule is ${filterTextLimits.rule + 1} characters long; at most ${filterTextLimits.rule} are allowed`],
      [{ protocols: 6 }, 'query.filter.protocols must be a list of protocol numbers'],
      [{ protocols: [6, 256] }, 'query.filter.protocols[1] must be an IANA protocol number from 0 to 255'],
      [{ protocols: [-1] }, 'query.filter.protocols[0] must be an IANA protocol number from 0 to 255'],
      [{ protocols: ['6'] }, 'query.filter.protocols[0] must be an IANA protocol number from 0 to 255'],
      [{ protocols: new Array<number>(257).fill(6) }, 'query.filter.protocols lists 257 protocols; there are 256'],
      [{ direction: 'both' }, 'query.filter.direction must be "inbound" or "outbound"'],
      [{ decision: 'block' }, 'query.filter.decision must be "allow" or "deny"'],
      [{ states: 'begin' }, 'query.filter.states must be a list of states'],
      [{ states: ['begin', 'closed'] }, 'query.filter.states[1] must be one of "begin", "continuing", "end", "deny", "none"'],
      [{ states: ['begin', 'begin', 'begin', 'begin', 'begin', 'begin'] }, 'query.filter.states lists 6 states; there are 5'],
      [{ timeFrom: '2022-09-14' }, 'query.filter.timeFrom must be a time in epoch milliseconds'],
      [{ timeTo: Number.POSITIVE_INFINITY }, 'query.filter.timeTo must be a time in epoch milliseconds'],
      [{ timeTo: 9e15 }, 'query.filter.timeTo must be a time in epoch milliseconds'],
      [{ owner: 'vm-web-01' }, 'query.filter has an unknown field "owner"'],
      [JSON.parse('{"__proto__": {"decision": "allow"}}') as Record<string, unknown>, 'query.filter has an unknown field "__proto__"'],
    ];
    for (const [filter, reason] of refused) {
      assert.equal(refusal(queryMessage({}, filter)), `"query" message: ${reason}`, JSON.stringify(filter));
    }
    assert.equal(refusal({ ...queryMessage(), query: { mode: 'tuples', filter: 'deny' } }), '"query" message: query.filter must be an object');
  });

  it('refuses a request to keep repeated records that does not say whether to keep them', () => {
    assert.equal(refusal({ type: 'keepRepeatedRecords' }), '"keepRepeatedRecords" message: keep must be true or false');
    assert.equal(refusal({ type: 'keepRepeatedRecords', keep: 'true' }), '"keepRepeatedRecords" message: keep must be true or false');
    assert.equal(refusal({ type: 'keepRepeatedRecords', keep: 1 }), '"keepRepeatedRecords" message: keep must be true or false');
  });

  it('refuses column layouts with unknown columns', () => {
    assert.equal(refusal({ type: 'saveColumns', columns: { tuples: { order: ['nope'], hidden: [], widths: {} } } }), '"saveColumns" message: columns must give, per view mode, known column ids and widths above 0');
  });

  it('refuses a report of what the page rendered: the page sends none (a script added to it may, to its add-on)', () => {
    assert.equal(refusal({ type: 'rendered', epoch: 1, mode: 'tuples', total: 1, columns: ['a'], rows: [['1']], filterProblems: [], summary: '', loading: false }), 'the message type "rendered" is not one the page sends');
  });
});
