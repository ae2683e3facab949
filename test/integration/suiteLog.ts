import { format } from 'node:util';

/**
 * Prints a line of the suite's output. Under the headless launcher the workbench's own log and
 * the extension host's console arrive mixed together, and the extension host's console methods
 * cannot be replaced, so the suite's lines carry TRAFFIC_LENS_SUITE_MARKER and the launcher shows
 * only those (a plain console.log from a test shows with TRAFFIC_LENS_TEST_VERBOSE=1).
 */
export function suiteLog(...args: unknown[]): void {
  console.log((process.env.TRAFFIC_LENS_SUITE_MARKER ?? '') + format(...args));
}
