import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { monitoringOptions } from '../../src/wizards/setup/options';

/** The project root: this test is bundled to out/test/unit/. */
const root = resolve(__dirname, '..', '..', '..');

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: unknown; svg?: string; altText?: string };
  completionEvents?: string[];
}

interface Walkthrough {
  id: string;
  title: string;
  description: string;
  steps: WalkthroughStep[];
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; walkthroughs?: Walkthrough[] };
};
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** A manifest string as VS Code shows it: `%key%` replaced from package.nls.json. */
function localized(value: string): string {
  const match = /^%([^%]+)%$/.exec(value);
  return match === null ? value : (nls[match[1]] ?? value);
}

const contributed = new Set(manifest.contributes.commands.map((entry) => entry.command));
/** Commands a walkthrough link or completion event may name: the contributed ones. */
const linkable = (command: string): boolean => contributed.has(command);

/** The commands of `command:` links in markdown: `[Sign In](command:trafficLens.signIn)` → `trafficLens.signIn`. */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(\s*<?command:([^)?\s>]+)/g)].map((match) => match[1]);
}

/** Where a markdown page loads content from: image targets (inline and by reference) and HTML `src`/`srcset`/`href` of media elements. */
function loadedTargets(markdown: string): string[] {
  const references = new Map([...markdown.matchAll(/^\s*\[([^\]]+)\]:\s*<?([^\s>]+)/gm)].map((match) => [match[1].toLowerCase(), match[2]]));
  const inline = [...markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)/g)].map((match) => match[1]);
  const byReference = [...markdown.matchAll(/!\[([^\]]*)\]\[([^\]]*)\]/g)].map((match) => references.get((match[2] || match[1]).toLowerCase()) ?? `(undefined reference ${match[2] || match[1]})`);
  const html = [...markdown.matchAll(/<(?:img|source|video|audio|iframe|embed|object|link|script)\b[^>]*?\b(?:src|srcset|href|data)\s*=\s*["']?([^"'\s>]+)/gi)].map((match) => match[1]);
  return [...inline, ...byReference, ...html];
}

const isRemote = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

describe('Get Started walkthrough', () => {
  const walkthrough = manifest.contributes.walkthroughs?.find((candidate) => candidate.id === 'trafficLens.gettingStarted');
  const pages = () => walkthrough!.steps.map((step) => ({ step, path: join(root, step.media.markdown ?? '') }));

  it('is contributed as "Get started with Azure Traffic Lens" with sign-in, subscriptions, set-up and reading steps', () => {
    assert.ok(walkthrough, 'package.json contributes no trafficLens.gettingStarted walkthrough');
    assert.equal(localized(walkthrough.title), 'Get started with Azure Traffic Lens');
    assert.deepEqual(walkthrough.steps.map((step) => step.id), ['signIn', 'chooseSubscriptions', 'setUpMonitoring', 'readFlowLog']);
    for (const step of walkthrough.steps) {
      assert.notEqual(localized(step.title).trim(), '', `step ${step.id} has no title`);
      assert.notEqual(localized(step.description).trim(), '', `step ${step.id} has no description`);
    }
  });

  it('shows a markdown page under media/walkthrough/ for every step, and the page exists', () => {
    const missing = walkthrough!.steps.filter((step) => !/^media\/walkthrough\/[\w-]+\.md$/.test(step.media.markdown ?? '') || !existsSync(join(root, step.media.markdown!)));
    assert.deepEqual(missing.map((step) => `${step.id}: ${step.media.markdown ?? '(no markdown media)'}`), []);
  });

  it('links only commands the extension contributes, or Set Up Traffic Monitoring…, in descriptions and pages', () => {
    const links = walkthrough!.steps.flatMap((step) => [
      ...commandLinks(localized(step.description)).map((command) => ({ where: `${step.id} description`, command })),
      ...commandLinks(readFileSync(join(root, step.media.markdown!), 'utf8')).map((command) => ({ where: step.media.markdown!, command })),
    ]);
    assert.ok(links.length >= walkthrough!.steps.length, 'every step offers its command as a link');
    assert.deepEqual(links.filter((link) => !linkable(link.command)).map((link) => `${link.where}: command:${link.command}`), []);
    assert.ok(links.some((link) => link.where === 'setUpMonitoring description' && link.command === 'trafficLens.setUpMonitoring'));
  });

  it('completes each step on a command the extension contributes, or Set Up Traffic Monitoring…', () => {
    const unknown: string[] = [];
    for (const step of walkthrough!.steps) {
      const commands = (step.completionEvents ?? []).filter((event) => event.startsWith('onCommand:')).map((event) => event.slice('onCommand:'.length));
      if (commands.length === 0) {
        unknown.push(`${step.id}: no onCommand completion event`);
      }
      unknown.push(...commands.filter((command) => !linkable(command)).map((command) => `${step.id}: onCommand:${command}`));
    }
    assert.deepEqual(unknown, []);
    const setUp = walkthrough!.steps.find((step) => step.id === 'setUpMonitoring');
    assert.deepEqual(setUp?.completionEvents, ['onCommand:trafficLens.setUpMonitoring']);
  });

  it('loads nothing remote: every image of every page is a packaged file next to it', () => {
    const problems: string[] = [];
    for (const { step, path } of pages()) {
      for (const target of loadedTargets(readFileSync(path, 'utf8'))) {
        if (isRemote(target)) {
          problems.push(`${step.media.markdown}: remote ${target}`);
        } else if (!existsSync(join(dirname(path), decodeURI(target)))) {
          problems.push(`${step.media.markdown}: ${target} does not exist`);
        } else if (!/^\.\.\/screenshots\/[\w-]+\.png$/.test(target)) {
          problems.push(`${step.media.markdown}: ${target} is not one of the packaged screenshots (media/screenshots/*.png)`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('finds remote content the way the check above needs to', () => {
    const page = ['![a](https://example.com/a.png)', '![b][logo]', '[logo]: http://example.com/b.png', '<img alt="c" src="//example.com/c.png">', '![d](../screenshots/d.png)', '[a link](https://learn.microsoft.com/azure/)'].join('\n');
    assert.deepEqual(loadedTargets(page).map((target) => [target, isRemote(target)]), [
      ['https://example.com/a.png', true],
      ['../screenshots/d.png', false],
      ['http://example.com/b.png', true],
      ['//example.com/c.png', true],
    ]);
    assert.deepEqual(commandLinks('[Go](command:trafficLens.signIn) [Args](command:trafficLens.refresh?%5B%5D) [Web](https://x.example)'), ['trafficLens.signIn', 'trafficLens.refresh']);
  });

  it('explains the five set-ups with the same sentences the set-up command shows, and their sources', () => {
    const page = readFileSync(join(root, 'media', 'walkthrough', 'setUpMonitoring.md'), 'utf8').replace(/\s+/g, ' ');
    const missing: string[] = [];
    for (const option of monitoringOptions) {
      for (const field of ['label', 'detail', 'visibility', 'cost', 'downtime'] as const) {
        if (!page.includes(option[field])) {
          missing.push(`${option.id}.${field}`);
        }
      }
      missing.push(...option.docs.filter((url) => !page.includes(`(${url})`)).map((url) => `${option.id} source ${url}`));
    }
    assert.deepEqual(missing, []);
  });
});
