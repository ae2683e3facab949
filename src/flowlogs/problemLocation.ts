/**
 * Where a decoding problem is: `byte 1834, record 3, tuple 7` (only the parts that are known).
 * Shared by the decoder's messages, the command line and the viewer's problem list.
 */
export function problemLocation(problem: { offset?: number; recordIndex?: number; tupleIndex?: number }): string {
  const where: string[] = [];
  if (problem.offset !== undefined) {
    where.push(`byte ${problem.offset}`);
  }
  if (problem.recordIndex !== undefined) {
    where.push(`record ${problem.recordIndex}`);
  }
  if (problem.tupleIndex !== undefined) {
    where.push(`tuple ${problem.tupleIndex}`);
  }
  return where.join(', ');
}
