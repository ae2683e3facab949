import assert from 'node:assert/strict';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import { generateFlowLog, Random } from '../../fixtures/flowLogGenerator';

type Mutation = (bytes: Buffer, random: Random) => Buffer;

const interesting = [0x22, 0x5c, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x00, 0xff, 0x30, 0x20];

const mutations: Record<string, Mutation> = {
  flip: (bytes, random) => {
    const copy = Buffer.from(bytes);
    for (let i = random.int(1, 4); i > 0; i--) {
      copy[random.int(0, copy.length - 1)] ^= 1 << random.int(0, 7);
    }
    return copy;
  },
  replace: (bytes, random) => {
    const copy = Buffer.from(bytes);
    for (let i = random.int(1, 4); i > 0; i--) {
      copy[random.int(0, copy.length - 1)] = random.pick(interesting);
    }
    return copy;
  },
  delete: (bytes, random) => {
    const at = random.int(0, bytes.length - 1);
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + random.int(1, 40)))]);
  },
  insert: (bytes, random) => {
    const at = random.int(0, bytes.length);
    const junk = Buffer.from(Array.from({ length: random.int(1, 8) }, () => random.pick(interesting)));
    return Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]);
  },
  truncate: (bytes, random) => bytes.subarray(0, random.int(0, bytes.length - 1)),
  duplicate: (bytes, random) => {
    const from = random.int(0, bytes.length - 1);
    const to = Math.min(bytes.length, from + random.int(1, 400));
    const at = random.int(0, bytes.length);
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(from, to), bytes.subarray(at)]);
  },
};

describe('flowLogDecoder fuzzing', () => {
  const bases = (['nsg1', 'nsg2', 'vnet'] as const).map((format, i) => Buffer.from(generateFlowLog({ format, records: 4, flowsPerRecord: 4, seed: 11 + i, ipv6: true })));

  it('never throws and never hangs on 300 mutated blobs', () => {
    const random = new Random(20240301);
    const names = Object.keys(mutations);
    for (let n = 0; n < 300; n++) {
      const base = bases[n % bases.length];
      const name = names[random.int(0, names.length - 1)];
      const input = mutations[name](base, random);
      const started = Date.now();
      let result;
      try {
        result = decodeFlowLogBytes(input, { maxProblems: 50 });
      } catch (error) {
        assert.fail(`case ${n} (${name}) threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
      // A generous bound: a 10 KB input takes well under a millisecond when nothing goes wrong.
      assert.ok(Date.now() - started < 2000, `case ${n} (${name}) took ${Date.now() - started} ms`);
      assert.ok(result.tuples >= 0 && result.tuples <= result.table.length);
      assert.ok(result.problems.length <= result.problemCount);
      for (let row = 0; row < result.table.length; row++) {
        const decoded = result.table.rowAt(row);
        assert.ok(Number.isFinite(decoded.time), `case ${n}: row ${row} has no time`);
        assert.ok(decoded.srcIp.length > 0 && decoded.dstIp.length > 0);
      }
    }
  });
});
