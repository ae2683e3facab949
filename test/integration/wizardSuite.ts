import * as assert from 'node:assert/strict';
import type { ApplyReport } from '../../src/core/plan';
import { faults, signInToStandIn, signOutOfStandIn } from './standInClient';
import { activateTestedExtension, type TestedApi } from './testedExtension';

export interface WizardSuiteOptions {
  /** Puts back what the suite changed in the stand-in; runs after the last test, with the faults cleared. */
  cleanUp?(): Promise<void>;
  /** Also run `cleanUp` before the first test and after each one. */
  cleanUpEachTest?: boolean;
}

/**
 * The mocha hooks of a suite that drives wizards through the extension's API: activate and sign in
 * to the stand-in without faults; before each test forget the scripted answers, after it clear the
 * faults and check every scripted answer and choice was used; at the end clean up and sign out.
 * Call it inside `describe`; `started` receives the API once the extension is active.
 */
export function wizardSuite(started: (api: TestedApi) => void, options: WizardSuiteOptions = {}): void {
  let api: TestedApi | undefined;
  const cleanUp = async (): Promise<void> => {
    await faults();
    await options.cleanUp?.();
  };

  before(async function () {
    api = await activateTestedExtension();
    started(api);
    await faults();
    await signInToStandIn();
    if (options.cleanUpEachTest) {
      await options.cleanUp?.();
    }
  });

  beforeEach(() => {
    api?.wizards.reset();
  });

  afterEach(async () => {
    await faults();
    if (options.cleanUpEachTest) {
      await options.cleanUp?.();
    }
    assert.deepEqual(api?.wizards.pending(), { answers: 0, choices: 0 }, 'every scripted answer and choice was used');
  });

  after(async () => {
    // Later suites meet the real quick picks again, not this suite's script.
    api?.wizards.reset();
    await cleanUp();
    await signOutOfStandIn();
  });
}

/** One line per action of an apply report: its title, outcome and Azure's error code. */
export function describeReport(report: ApplyReport): string {
  const byId = new Map(report.plan.actions.map((action) => [action.id, action]));
  return report.outcomes.map((outcome) => `${byId.get(outcome.actionId)?.title}: ${outcome.status}${outcome.code ? ` (${outcome.code})` : ''}`).join('; ');
}
