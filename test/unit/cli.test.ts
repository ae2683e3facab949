import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../fixtures/projectRoot';


const root = projectRoot();
const cli = join(root, 'dist/cli.js');
const samples = join(root, 'test/fixtures/samples');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');
}

describe('command line (built bundle dist/cli.js)', () => {
  let folder: string;
  before(function () {
    if (!existsSync(cli)) {
      this.skip();
    }
    folder = mkdtempSync(join(tmpdir(), 'cli-'));
  });
  after(() => {
    if (folder) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('prints help', () => {
    const result = run('--help');
    assert.equal(result.status, 0);
    assert.match(result.stdout, /decode FILE\.\.\. \[--format csv\|ndjson\|ecs\]/);
  });

  it('decodes a sample to CSV on stdout', () => {
    const result = run('decode', join(samples, 'nsg-flow-logs-overview.v2-sample.json'));
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\r\n');
    assert.equal(lines.length, 12);
    assert.match(lines[0], /^time,srcIp,srcPort,dstIp,dstPort,protocol/);
    assert.match(lines[1], /^2018-11-13T12:00:02\.000Z,192\.0\.2\.190,28746,10\.5\.16\.4,443,17,udp,inbound,deny,begin/);
  });

  it('writes ECS NDJSON to a file', () => {
    const output = join(folder, 'out.ndjson');
    const result = run('decode', join(samples, 'vnet-flow-logs-overview.sample.json'), '--format', 'ecs', '--output', output);
    assert.equal(result.status, 0, result.stderr);
    const events = readFileSync(output, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(events.length, 19);
    assert.equal(events[0]['@timestamp'], '2022-09-14T09:00:03.599Z');
  });

  it('refuses an --output that is one of the inputs, under any name, and leaves the input whole', () => {
    const input = join(folder, 'PT1H.json');
    const original = readFileSync(join(samples, 'vnet-flow-logs-overview.sample.json'), 'utf8');
    writeFileSync(input, original);
    symlinkSync(input, join(folder, 'link.json'));
    linkSync(input, join(folder, 'hard.json'));
    const other = join(samples, 'nsg-flow-logs-overview.v2-sample.json');
    for (const output of [input, join(folder, 'link.json'), join(folder, 'hard.json'), join(folder, '.', 'sub', '..', 'PT1H.json')]) {
      mkdirSync(join(folder, 'sub'), { recursive: true });
      const result = run('decode', other, input, '--output', output);
      assert.equal(result.status, 2, `${output}: ${result.stderr}`);
      assert.match(result.stderr, /^error: --output .* is the input .*PT1H\.json: writing it would empty it before it is read\. Choose another output file\.\n$/);
      assertNoStack(result.stderr);
      assert.equal(readFileSync(input, 'utf8'), original, `${output} truncated the input`);
    }
    const separate = join(folder, 'out.csv');
    assert.equal(run('decode', input, '--output', separate).status, 0);
    assert.equal(readFileSync(input, 'utf8'), original);
  });

  it('joins connections with --connections', () => {
    const record = `{"time":"t","category":"NetworkSecurityGroupFlowEvent","resourceId":"/NSG","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"AA","flowTuples":${JSON.stringify(readFileSync(join(samples, 'nsg-flow-logs-overview.bandwidth-tuples.txt'), 'utf8').trim().split('\n'))}}]}]}}`;
    const path = join(folder, 'bandwidth.json');
    writeFileSync(path, `{"records":[${record}]}`);
    const result = run('decode', path, '--connections', '--format', 'ndjson');
    assert.equal(result.status, 0, result.stderr);
    const [connection] = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
    assert.equal(connection.packetsSrcToDst + connection.packetsDstToSrc, 9125);
    assert.equal(connection.bytesSrcToDst + connection.bytesDstToSrc, 5256000);
  });

  it('summarises a file, with the nested-sample warnings', () => {
    const result = run('summary', join(samples, 'nsg-flow-logs-overview.v1-sample.json'));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Formats:\s+NSG flow log v1/);
    assert.match(result.stdout, /Records:\s+3\n/);
    assert.match(result.stdout, /Tuples:\s+12\n/);
    assert.match(result.stdout, /Allowed \/ denied:\s+8 \/ 4/);
    assert.match(result.stdout, /nsg-flow-logs-overview\.v1-sample\.json: byte \d+: warning: skipped 2 records identical/);
  });

  it('summarises as JSON', () => {
    const result = run('summary', join(samples, 'vnet-flow-logs-overview.sample.json'), '--json');
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(summary.formats, ['VNet flow log v4']);
    assert.equal(summary.tuples, 19);
    assert.equal(summary.denied, 9);
    assert.equal(summary.timeFrom, '2022-09-14T08:59:49.563Z');
  });

  it('fails with a one-line message on a missing file', () => {
    const result = run('decode', join(folder, 'missing.json'));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /missing\.json: no such file\n$/);
    assertNoStack(result.stderr);
  });

  it('fails on an unknown option', () => {
    const result = run('summary', '--frobnicate', join(samples, 'vnet-flow-logs-overview.sample.json'));
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'error: unknown option --frobnicate for summary (see --help)\n');
  });

  it('fails on garbage, naming the file and byte offset', () => {
    const path = join(folder, 'garbage.json');
    writeFileSync(path, 'this is not a flow log');
    const result = run('decode', path);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /garbage\.json: byte 0: unexpected 't'/);
    assertNoStack(result.stderr);
  });

  it('reports bad tuples as FILE: byte N, record R, tuple T and exits non-zero', () => {
    const path = join(folder, 'bad-tuple.json');
    const content = `{"records":[{"time":"t","category":"NetworkSecurityGroupFlowEvent","resourceId":"/NSG","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"AA","flowTuples":["1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,","1542110377,10.5.16.4"]}]}]}}]}`;
    writeFileSync(path, content);
    const offset = content.indexOf('"1542110377,10.5.16.4"') + 1;
    const result = run('decode', path, '--format', 'ndjson');
    assert.equal(result.status, 1);
    assert.equal(result.stdout.trimEnd().split('\n').length, 1);
    assert.ok(result.stderr.endsWith(`bad-tuple.json: byte ${offset}, record 0, tuple 1: expected 13 fields for NSG flow log v2, found 2: "1542110377,10.5.16.4"\n`), result.stderr);
  });

  it('says when tuples far from their record time stretch the summary time range', () => {
    const path = join(folder, 'epoch.json');
    const tuples = ['0000000001,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,', '1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,'];
    writeFileSync(path, `{"records":[{"time":"2018-11-13T12:00:35.3899262Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"/NSG","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"000D3AF87856","flowTuples":${JSON.stringify(tuples)}}]}]}}]}`);
    const result = run('summary', path);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Time range \(UTC\): +1970-01-01T00:00:01\.000Z to 2018-11-13T11:59:37\.000Z \(includes tuples far from their record's time, see the problems\)/);
    assert.match(result.stdout, /epoch\.json: byte \d+, record 0, tuple 0: warning: the tuple's time 1970-01-01T00:00:01\.000Z is 48 years before/);
  });

  describe('bad input never passes silently', () => {
    const write = (name: string, content: string | Buffer): string => {
      const path = join(folder, name);
      writeFileSync(path, content);
      return path;
    };
    const nsg = (tuples: string[], listKey = 'flowTuples') =>
      `{"time":"2018-11-13T12:00:35.3899262Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"/NSG","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"000D3AF87856","${listKey}":${JSON.stringify(tuples)}}]}]}}`;
    const tuple = '1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,';

    it('fails on a renamed tuple list, naming byte, record and key, and counts its tuples as rejected', () => {
      const content = `{"records":[${nsg([tuple, tuple], 'flowTuple')}]}`;
      const path = write('renamed.json', content);
      const decode = run('decode', path);
      assert.equal(decode.status, 1);
      assert.equal(
        decode.stderr,
        `${path}: byte ${content.indexOf('{"mac"')}, record 0: properties.flows[0].flows[0] has no "flowTuples" list (its keys are "mac", "flowTuple"); 2 tuples listed under its other keys were not read (counted as rejected)\n`,
      );
      const summary = run('summary', path);
      assert.equal(summary.status, 1);
      assert.match(summary.stdout, /Rejected tuples:\s+2\n/);
    });

    it('warns that an empty file, [] or a lone byte order mark holds no records', () => {
      for (const [name, content] of [
        ['empty.json', ''],
        ['list.json', '[]'],
        ['bom.json', Buffer.from([0xef, 0xbb, 0xbf])],
      ] as const) {
        const path = write(name, content);
        const result = run('decode', path);
        assert.equal(result.status, 0, name);
        assert.match(result.stderr, new RegExp(`${name}: byte 0: warning: (the file is empty: there are no records|there are no records in the file)`), name);
      }
    });

    it('fails on an address with a leading zero, and cuts a long bad value', () => {
      const path = write('leading-zero.json', `{"records":[${nsg([tuple.replace('10.5.16.4', '20.55.013.5'), tuple.replace('10.5.16.4', '1'.repeat(1000000))])}]}`);
      const result = run('decode', path, '--format', 'ndjson');
      assert.equal(result.status, 1);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0], /tuple 0: source address "20\.55\.013\.5" has an octet with a leading zero/);
      assert.ok(lines[1].length < 800, `a line of ${lines[1].length} characters`);
      assert.match(lines[1], /\(1000000 characters\)/);
    });

    it('decodes a trailing comma, a version 1 tuple in a version 2 record and an unknown NSG version, with warnings', () => {
      const content = `{"records":[${nsg([tuple, '1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A']).replace(/"\]\}\]\}\]/, '",]}]}]').replace('"Version":2', '"Version":7')}]}`;
      const path = write('tolerated.json', content);
      const result = run('decode', path, '--format', 'ndjson');
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trimEnd().split('\n').length, 2);
      assert.match(result.stderr, /warning: properties\.Version 7 is not documented/);
      assert.match(result.stderr, /warning: a ',' before the '\]' that closes flowTuples/);
    });

    it('keeps repeated records with --keep-duplicates', () => {
      const path = write('repeated.json', `{"records":[${nsg([tuple])},${nsg([tuple])}]}`);
      const skipped = run('summary', path);
      assert.equal(skipped.status, 0);
      assert.match(skipped.stdout, /Records:\s+1\n/);
      assert.match(skipped.stdout, /warning: skipped 1 record identical to an earlier record/);
      const kept = run('summary', path, '--keep-duplicates');
      assert.match(kept.stdout, /Records:\s+2\n/);
      assert.match(kept.stdout, /Tuples:\s+2\n/);
      assert.match(kept.stdout, /Problems:\s+0\n/);
      const decoded = run('decode', '--keep-duplicates', path, '--format', 'ndjson');
      assert.equal(decoded.stdout.trimEnd().split('\n').length, 2);
      assert.equal(decoded.stderr, '');
    });
  });
});
