/**
 * What every part of the flow-log decoder shares: the window of input being decoded, the counts
 * of records and rejected tuples, and the problems reported.
 *
 * The decoder is one class built in layers, each in its own module: this state, then
 * stringCache (repeated strings), jsonScanner (generic JSON), tupleRows (checked tuples and
 * rows), tupleParser (the fast tuple reader), recordChecks, recordParser (one record's
 * structure) and recordListDecoder (the top level, window by window). The hot loops read the
 * fields of one object of one shape, as they did when the decoder was a single class, rather
 * than taking many arguments.
 */
import type { DecodeProblem } from './decodeProblem';

export const defaultMaxProblems = 1000;

export abstract class DecodeState {
  readonly problems: DecodeProblem[] = [];
  problemCount = 0;
  records = 0;
  rejectedTuples = 0;
  /** The window: `buf[..limit)`, where `buf[0]` is at file offset `base`; `cursor` is where the last read ended. */
  protected buf: Buffer = Buffer.alloc(0);
  protected base = 0;
  protected limit = 0;
  protected cursor = 0;
  protected readonly maxProblems: number;

  constructor(maxProblems: number) {
    this.maxProblems = maxProblems;
  }

  report(problem: DecodeProblem): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) {
      this.problems.push(problem);
    }
  }
}
