// Makes code-server (a real VS Code: server, web workbench, Node extension host) driven by
// headless Chromium behave like a VS Code executable for @vscode/test-electron's `runTests`.
// Started through the `test/vscode/code` wrapper, it accepts the desktop arguments:
//
//   code [--extensionDevelopmentPath=DIR]... [--extensionTestsPath=FILE] [--user-data-dir=DIR]
//        [--extensions-dir=DIR] [FOLDER]            runs the suite, exits with its exit code
//   code --install-extension=FILE.vsix --extensions-dir=DIR     installs a .vsix, offline
//
// Other desktop flags (--no-sandbox, --disable-updates, --skip-welcome, …) are accepted and ignored.
// Environment: TRAFFIC_LENS_TEST_TIMEOUT (seconds, default 1200) stops a hung run;
// TRAFFIC_LENS_SCREENSHOTS (a folder) lets the suite request PNGs of the page by logging
// `[screenshot] name`; TRAFFIC_LENS_TEST_VERBOSE=1 shows the workbench's own log and console.
// A suite can also use the mouse where only the page can: `[click] SELECTOR` clicks the first
// element matching the CSS selector in any frame (webviews included), and `[drag] SELECTOR FROM TO`
// drags across it from one fraction of its width to another, at half its height;
// `[press] SELECTOR KEY,KEY…` focuses it and presses the keys (`ArrowRight,Shift+ArrowRight,Enter`).
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { checkTools, createSandbox, installExtension, startCodeServer, toolPaths, workbenchUrl, killGroup, type Sandbox } from './codeServer';

interface LaunchArgs {
  developmentPaths: string[];
  testsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  installExtension?: string;
  open?: string;
}

const valueFlags = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'install-extension']);

export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const parsed: LaunchArgs = { developmentPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      parsed.open = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!valueFlags.has(name)) {
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) {
      throw new Error(`${arg} needs a value`);
    }
    switch (name) {
      case 'extensionDevelopmentPath':
        parsed.developmentPaths.push(resolve(value));
        break;
      case 'extensionTestsPath':
        parsed.testsPath = resolve(value);
        break;
      case 'user-data-dir':
        parsed.userDataDir = resolve(value);
        break;
      case 'extensions-dir':
        parsed.extensionsDir = resolve(value);
        break;
      case 'install-extension':
        parsed.installExtension = resolve(value);
        break;
    }
  }
  return parsed;
}

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The suite's console output reaches the page as ordinary workbench log lines; the runner in the
 * extension host (test/integration/index.ts) starts each of its lines with this marker.
 */
const suiteMarker = `[suite ${randomBytes(4).toString('hex')}] `;

function suiteOutput(line: string): string | undefined {
  const at = line.indexOf(suiteMarker);
  return at === -1 ? undefined : line.slice(at + suiteMarker.length);
}

/** Focuses the first element matching `selector` in any frame and presses each key in turn (`Shift+ArrowRight`). */
async function pressKeys(page: Page, selector: string, keys: string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const frame of page.frames()) {
      const target = await frame.$(selector).catch(() => null);
      if (target !== null) {
        await target.focus();
        for (const key of keys) {
          await target.press(key);
        }
        return;
      }
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  throw new Error('no frame has it');
}

/** Clicks (or, with `drag`, drags across) the first element matching `selector` in any frame. */
async function usePointer(page: Page, selector: string, drag: [number, number] | undefined): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const frame of page.frames()) {
      const target = await frame.$(selector).catch(() => null);
      if (target === null) {
        continue;
      }
      if (drag === undefined) {
        await target.click();
        return;
      }
      await target.scrollIntoViewIfNeeded();
      const box = await target.boundingBox();
      if (box === null) {
        throw new Error('it is not shown');
      }
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * drag[0], y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * ((drag[0] + drag[1]) / 2), y, { steps: 4 });
      await page.mouse.move(box.x + box.width * drag[1], y, { steps: 4 });
      await page.mouse.up();
      return;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  throw new Error('no frame has it');
}

async function runSuite(args: LaunchArgs & { testsPath: string }, sandbox: Sandbox): Promise<number> {
  const verbose = process.env.TRAFFIC_LENS_TEST_VERBOSE === '1';
  const screenshots = process.env.TRAFFIC_LENS_SCREENSHOTS;
  const timeoutSeconds = Number(process.env.TRAFFIC_LENS_TEST_TIMEOUT ?? '1200');
  let browser: Browser | undefined;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolvePromise) => {
    finish = resolvePromise;
  });

  const watchdog = setTimeout(() => {
    console.error(`The test run did not finish within ${timeoutSeconds} s (TRAFFIC_LENS_TEST_TIMEOUT); stopping it.`);
    finish(124);
  }, timeoutSeconds * 1000);
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`Stopped by ${signal}.`);
    finish(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  let serverProcess: ChildProcess | undefined;
  let stopped = false;
  const ensureRunning = (): void => {
    if (stopped) {
      throw new Error('stopped');
    }
  };

  const start = async (): Promise<void> => {
    const server = await startCodeServer({
      sandbox,
      userDataDir: args.userDataDir ?? join(sandbox.dir, 'user-data'),
      extensionsDir: args.extensionsDir ?? join(sandbox.dir, 'extensions'),
      port: 0,
      env: { TRAFFIC_LENS_SUITE_MARKER: suiteMarker },
      onLine: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
      onSpawn: (child) => (serverProcess = child),
    });
    ensureRunning();
    server.process.on('exit', (code, signal) => {
      console.error(`code-server stopped unexpectedly (exit ${code ?? signal}).`);
      finish(1);
    });

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: toolPaths.chromium,
      headless: true,
      args: chromiumArgs,
      // Headless Chromium hides scrollbars by default; pictures should show them as a user sees them.
      ...(screenshots === undefined ? {} : { ignoreDefaultArgs: ['--hide-scrollbars'] }),
      env: sandbox.env,
      // Playwright's own handlers would exit at once on a signal, skipping the cleanup below.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    ensureRunning();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    if (verbose) {
      page.on('console', (message) => console.log(`[chromium] ${message.text()}`));
    }
    page.on('pageerror', (error) => {
      if (verbose) {
        console.log(`[chromium] page error: ${error.message}`);
      }
    });

    let screenshotQueue = Promise.resolve();
    const takeScreenshot = (name: string): void => {
      if (screenshots === undefined) {
        console.log(`(screenshot "${name}" not taken: TRAFFIC_LENS_SCREENSHOTS is not set)`);
        return;
      }
      if (!/^[\w.-]+$/.test(name)) {
        console.error(`Screenshot name "${name}" may only hold letters, digits, ".", "_" and "-".`);
        return;
      }
      mkdirSync(screenshots, { recursive: true });
      const path = join(screenshots, `${name}.png`);
      screenshotQueue = screenshotQueue
        .then(() => page.screenshot({ path }))
        .then(
          () => console.log(`(screenshot saved: ${path})`),
          (error: Error) => console.error(`Screenshot "${name}" failed: ${error.message}`),
        );
    };

    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = Array.isArray(args) && args.length > 0 ? format(...(args as [unknown, ...unknown[]])) : String(args);
      const output = suiteOutput(line);
      if (output === undefined) {
        if (verbose) {
          console.log(`[workbench ${type}] ${line}`);
        }
        return;
      }
      const request = /^\[screenshot\] (.+)$/.exec(output.trim());
      if (request !== null) {
        takeScreenshot(request[1].trim());
        return;
      }
      const press = /^\[press\] (.+) (\S+)$/.exec(output.trim());
      if (press !== null) {
        screenshotQueue = screenshotQueue.then(() => pressKeys(page, press[1], press[2].split(',')).catch((error: Error) => console.error(`press on "${press[1]}" failed: ${error.message}`)));
        return;
      }
      const pointer = /^\[(click|drag)\] (.+?)(?: ([\d.]+) ([\d.]+))?$/.exec(output.trim());
      if (pointer !== null) {
        screenshotQueue = screenshotQueue.then(() =>
          usePointer(page, pointer[2], pointer[1] === 'drag' ? [Number(pointer[3]), Number(pointer[4])] : undefined).catch((error: Error) =>
            console.error(`${pointer[1]} on "${pointer[2]}" failed: ${error.message}`),
          ),
        );
        return;
      }
      (type === 'error' ? process.stderr : process.stdout).write(`${output}\n`);
    });
    await page.exposeFunction('codeAutomationExit', async (code: number) => {
      await screenshotQueue;
      finish(typeof code === 'number' ? code : 1);
    });

    let folder = args.open;
    if (folder !== undefined && existsSync(folder) && !statSync(folder).isDirectory()) {
      folder = dirname(folder);
    }
    const url = workbenchUrl(server.origin, folder, { developmentPaths: args.developmentPaths, testsPath: args.testsPath });
    if (verbose) {
      console.log(`[launcher] opening ${url}`);
    }
    await page.goto(url);
  };

  try {
    return await Promise.race([
      finished,
      start().then(
        () => finished,
        (error: unknown) => {
          if (stopped) {
            return finished;
          }
          console.error(`The headless VS Code could not run the suite: ${error instanceof Error ? error.message : String(error)}`);
          return 1;
        },
      ),
    ]);
  } finally {
    stopped = true;
    clearTimeout(watchdog);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
    serverProcess?.removeAllListeners('exit');
    const currentBrowser = browser as Browser | undefined;
    await Promise.race([currentBrowser?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    if (serverProcess !== undefined) {
      killGroup(serverProcess);
    }
  }
}

async function main(): Promise<number> {
  const args = parseLaunchArgs(process.argv.slice(2));
  const missing = checkTools();
  if (missing !== undefined) {
    console.error(missing);
    return 1;
  }
  const sandbox = createSandbox('traffic-lens-vscode-');
  try {
    if (args.installExtension !== undefined) {
      if (args.extensionsDir === undefined) {
        console.error('--install-extension needs --extensions-dir: the launcher never installs into a shared folder.');
        return 1;
      }
      if (!existsSync(args.installExtension)) {
        console.error(`Cannot install ${args.installExtension}: the file does not exist.`);
        return 1;
      }
      return await installExtension(sandbox, args.userDataDir ?? join(sandbox.dir, 'user-data'), args.extensionsDir, args.installExtension);
    }
    if (args.testsPath === undefined) {
      console.error('Nothing to run: pass --extensionTestsPath=<suite index> (and --extensionDevelopmentPath=<folder>).');
      return 1;
    }
    if (args.developmentPaths.length === 0) {
      console.error('Pass --extensionDevelopmentPath: without one the workbench never starts the suite.');
      return 1;
    }
    return await runSuite({ ...args, testsPath: args.testsPath }, sandbox);
  } finally {
    sandbox.remove();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
