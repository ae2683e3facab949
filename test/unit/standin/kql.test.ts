import assert from 'node:assert/strict';
import { evaluateKql, KqlError, type KqlTable } from '../../standin/kql';

const now = Date.UTC(2026, 0, 2, 12);
const hour = 3_600_000;
const flows: KqlTable = {
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'SrcIp', type: 'string' },
    { name: 'DestPort', type: 'int' },
    { name: 'Bytes', type: 'long' },
    { name: 'Rule', type: 'string' },
  ],
  rows: [
    [now - 1 * hour, '10.0.0.4', 443, 100, 'Allow-Web_In'],
    [now - 2 * hour, '10.0.0.5', 22, 50, 'deny-ssh'],
    [now - 30 * hour, '10.0.0.4', 443, 1000, 'Allow-Web_In'],
    [now - 3 * hour, '10.0.1.9', 443, 7, 'DefaultRule_DenyAllInBound'],
  ],
};

function run(query: string): { columns: string[]; rows: unknown[][] } {
  const result = evaluateKql(query, { T: flows }, now);
  return { columns: result.columns.map((column) => `${column.name}:${column.type}`), rows: result.rows };
}

describe('Log Analytics stand-in: the KQL subset', function () {
  this.timeout(30_000);

  it('filters with ago, between, has, in~, ipv4_is_in_range and not()', () => {
    assert.equal(run('T | where TimeGenerated > ago(1d)').rows.length, 3);
    assert.equal(run('T | where TimeGenerated between (ago(150m) .. now())').rows.length, 2);
    assert.deepEqual(run("T | where Rule has 'web' | project SrcIp").rows, [['10.0.0.4'], ['10.0.0.4']]);
    assert.deepEqual(run("T | where Rule in~ ('DENY-SSH') | project DestPort").rows, [[22]]);
    assert.deepEqual(run("T | where ipv4_is_in_range(SrcIp, '10.0.1.0/24') and not(DestPort == 22) | project SrcIp").rows, [['10.0.1.9']]);
    assert.equal(run("T | where Rule !has 'allow' and DestPort !in (22)").rows.length, 1);
  });

  it('summarizes by bin() and columns with default and given names, then orders, tops and takes', () => {
    const byHour = run('T | where TimeGenerated > ago(1d) | summarize count(), Total = sum(Bytes) by bin(TimeGenerated, 1d), DestPort | order by DestPort asc');
    assert.deepEqual(byHour.columns, ['TimeGenerated:datetime', 'DestPort:int', 'count_:long', 'Total:long']);
    assert.deepEqual(byHour.rows.map((row) => row.slice(1)), [[22, 1, 50], [443, 2, 107]]);
    assert.deepEqual(run('T | summarize Bytes = sum(Bytes) by SrcIp | top 1 by Bytes').rows, [['10.0.0.4', 1100]]);
    assert.deepEqual(run('T | extend Kind = iff(DestPort == 443, strcat("web:", tostring(DestPort)), "other") | project Kind | take 2').rows, [['web:443'], ['other']]);
    assert.deepEqual(run('T | count').rows, [[4]]);
  });

  it('refuses as Log Analytics does: syntax, unknown names and types, and what is outside the subset', () => {
    const refusal = (query: string): KqlError => {
      try {
        evaluateKql(query, { T: flows }, now);
      } catch (error) {
        assert.ok(error instanceof KqlError, String(error));
        return error;
      }
      assert.fail(`${query} was evaluated`);
    };
    assert.deepEqual([refusal('T | where').kind, refusal('T | where').code], ['SyntaxError', 'SYN0002']);
    assert.match(refusal('T | project Nope').message, /'project' operator: Failed to resolve scalar expression named 'Nope'/);
    assert.match(refusal('T | where DestPort == "443"').message, /Cannot compare values of types int and string/);
    assert.match(refusal('T | where split(Rule, "-")[0] == "x"').message, /outside the subset|Unknown function/);
    assert.match(refusal('T | mv-expand Rule').message, /'mv-expand' operator is outside the subset/);
    assert.match(refusal('let x = 1; T').message, /no let, set or declare statements/);
    assert.match(refusal('Other | take 1').message, /Failed to resolve table or column expression named 'Other'/);
    assert.match(refusal('T | summarize make_set(Rule)').message, /not an aggregation the stand-in evaluates/);
  });
});
