// `npm start`: a local Azure (the ARM stand-in with the demo estate, Azurite holding its flow
// logs), a demo workspace of flow logs laid out as Azure stores them, and code-server (a real
// VS Code in the browser) with the extension loaded from this project and pointed at that Azure.
//
//   node out/test/vscode/demo.js [--check] [--latency MS]
//
// PORT picks the port (default 8080; the next free one is used if it is taken). Runs until
// Ctrl+C, then stops everything it started. --latency delays every ARM answer (default 0).
// With --check it instead opens the printed URL in headless Chromium, opens a PT1H.json blob,
// waits for the flow-log viewer to show its records, opens the Azure Traffic Lens view, signs in
// and waits for the demo's subscriptions in the tree, finds no git question among the
// notifications, and exits (0 when all of that worked).
// Everything it writes goes to .demo/ (git-ignored): workspace/, user-data/, extensions/,
// ca-bundle.pem; the check uses .demo/check/ and starts from an empty user-data/ each time.
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { writeFlowLogFile, type GeneratedFormat } from '../fixtures/flowLogGenerator';
import { checkTools, createSandbox, killGroup, projectRoot, startCodeServer, toolPaths, workbenchUrl, type Sandbox } from './codeServer';
import { types } from '../standin/types';
import { startDemoEnvironment, writeCaBundle, type DemoEnvironment } from './demoEnvironment';

const checkOnly = process.argv.includes('--check');
// The check works in its own folder so that it never disturbs a running demo.
const demoDir = checkOnly ? join(projectRoot, '.demo', 'check') : join(projectRoot, '.demo');
const workspace = join(demoDir, 'workspace');
const samplesDir = join(projectRoot, 'test/fixtures/samples');

/**
 * An extensions folder holding only this project, linked in as code-server keeps an installed
 * extension (`publisher.name-version`), so that a rebuild shows after a window reload. The
 * workbench URL's extensionDevelopmentPath is not used: a released code-server honours it only
 * with the smoke-test driver on, which also hides notifications.
 */
function linkExtension(extensionsDir: string): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  // Removes the link itself, never what it points to.
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  symlinkSync(projectRoot, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
  return extensionsDir;
}

interface BlobRecord {
  time: string;
  category?: string;
  macAddress?: string;
  resourceId?: string;
  flowLogResourceID?: string;
  properties?: { flows?: { flows?: { mac?: string }[] }[] };
}

/**
 * Where Azure would store a blob holding `record`, e.g.
 * `insights-logs-flowlogflowevent/flowLogResourceID=/{SUB}_{RG}/NETWORKWATCHER_{REGION}_{NAME}/y=2026/m=11/d=23/h=10/m=00/macAddress={MAC}/PT1H.json`
 * (docs/flow-log-formats.md, "Blob name").
 */
function blobPath(record: BlobRecord): string | undefined {
  const time = new Date(record.time);
  if (Number.isNaN(time.getTime())) {
    return undefined;
  }
  const two = (value: number): string => String(value).padStart(2, '0');
  const hour = `y=${time.getUTCFullYear()}/m=${two(time.getUTCMonth() + 1)}/d=${two(time.getUTCDate())}/h=${two(time.getUTCHours())}/m=00`;
  if (record.category === 'FlowLogFlowEvent' && record.flowLogResourceID !== undefined && record.macAddress !== undefined) {
    const match = /^\/SUBSCRIPTIONS\/([^/]+)\/RESOURCEGROUPS\/([^/]+)\/.*\/NETWORKWATCHERS\/([^/]+)\/FLOWLOGS\/([^/]+)$/i.exec(record.flowLogResourceID);
    if (match === null) {
      return undefined;
    }
    const [, subscription, group, watcher, name] = match.map((part) => part.toUpperCase());
    return `insights-logs-flowlogflowevent/flowLogResourceID=/${subscription}_${group}/${watcher}_${name}/${hour}/macAddress=${record.macAddress}/PT1H.json`;
  }
  const mac = record.properties?.flows?.[0]?.flows?.[0]?.mac;
  if (record.resourceId !== undefined && mac !== undefined) {
    return `insights-logs-networksecuritygroupflowevent/resourceId=${record.resourceId.toUpperCase()}/${hour}/macAddress=${mac}/PT1H.json`;
  }
  return undefined;
}

function firstRecord(text: string): BlobRecord | undefined {
  try {
    const parsed = JSON.parse(text) as { records?: BlobRecord[] } | BlobRecord;
    return 'records' in parsed && Array.isArray(parsed.records) ? parsed.records[0] : (parsed as BlobRecord);
  } catch {
    return undefined;
  }
}

function place(text: string, fallbackName: string): string {
  const record = firstRecord(text);
  const relative = (record !== undefined ? blobPath(record) : undefined) ?? `other/${fallbackName}`;
  const target = join(workspace, relative);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  return relative;
}

async function buildWorkspace(): Promise<string[]> {
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(join(workspace, 'samples'), { recursive: true });
  const blobs: string[] = [];
  for (const name of readdirSync(samplesDir).sort()) {
    copyFileSync(join(samplesDir, name), join(workspace, 'samples', name));
    if (name.endsWith('.json') && !name.startsWith('flow-logs-read.')) {
      blobs.push(place(readFileSync(join(samplesDir, name), 'utf8'), name));
    }
  }
  // Generated blobs, one NIC and one hour (10:00 UTC, a record a minute) each, as Azure writes them.
  const generated: { format: GeneratedFormat; flowsPerRecord: number; seed: number }[] = [
    { format: 'vnet', flowsPerRecord: 1200, seed: 11 },
    { format: 'vnet', flowsPerRecord: 150, seed: 12 },
    { format: 'nsg2', flowsPerRecord: 300, seed: 21 },
    { format: 'nsg1', flowsPerRecord: 40, seed: 31 },
  ];
  const scratch = join(demoDir, 'generated.json');
  for (const options of generated) {
    await writeFlowLogFile(scratch, { ...options, records: 60, macs: 1, startTime: Date.UTC(2026, 10, 23, 10, 0, 0) });
    blobs.push(place(readFileSync(scratch, 'utf8'), `${options.format}-${options.seed}.json`));
  }
  rmSync(scratch, { force: true });
  return blobs;
}

function writeSettings(userDataDir: string, environmentSettings: Record<string, unknown>): void {
  const settings = {
    // Blobs open in the viewer; the samples too, "Open With… > Text Editor" shows the JSON.
    'workbench.editorAssociations': { '**/PT1H.json': 'trafficLens.flowLogViewer', '**/samples/*.json': 'trafficLens.flowLogViewer' },
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    // .demo/workspace lies inside this project's git repository: without this, the git extension
    // asks "A git repository was found in the parent folders…" as the demo opens.
    'git.openRepositoryInParentFolders': 'never',
    // The local Azure: the stand-in's URL, test sign-in, the demo tenant.
    ...environmentSettings,
  };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 50; port++) {
    if (await isPortFree(port)) {
      return port;
    }
  }
  throw new Error(`no free port between ${from} and ${from + 49}; set PORT`);
}

function latencyOption(): number {
  const index = process.argv.indexOf('--latency');
  if (index < 0) {
    return 0;
  }
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`--latency needs a whole number of milliseconds, got '${process.argv[index + 1] ?? ''}'.`);
  }
  return value;
}

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof import('playwright-core')['chromium']['launch']>>['newPage']>>;

/**
 * Quick Open a generated VNet blob: the editor association opens it in the viewer. A fresh
 * code-server may still be indexing the workspace or loading the webview on a busy machine, so
 * each step waits for what the user would see, and the whole open is tried again once.
 */
async function checkFlowLogViewer(page: Page): Promise<string | undefined> {
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const quickOpen = await quickOpenFile(page, 'WEB-FLOWLOG PT1H.json', 'PT1H.json');
    if (quickOpen !== undefined) {
      problem = quickOpen;
      continue;
    }
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const records = await recordCount(page);
      if (records !== undefined && records !== '0') {
        console.log(`check: the flow-log viewer shows ${records} records`);
        return undefined;
      }
      await page.waitForTimeout(500);
    }
    const tab = await page.locator('.tab.active').first().innerText({ timeout: 1_000 }).catch(() => '(none)');
    problem = `the flow-log viewer did not show any records within 45 s (active tab: ${tab.replace(/\s+/g, ' ')}; frames: ${(await frameTexts(page)).join(' | ') || 'none'})`;
    console.log(`check: attempt ${attempt}: ${problem}`);
    await page.keyboard.press('Escape');
  }
  return problem;
}

/** Opens Quick Open, types the query into its input, and accepts the first row naming `expect`. */
async function quickOpenFile(page: Page, query: string, expect: string): Promise<string | undefined> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  if (!(await input.waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
    return 'Quick Open (Ctrl+P) did not open within 10 s';
  }
  await input.fill(query);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: expect }).first();
  if (!(await row.waitFor({ timeout: 30_000 }).then(() => true, () => false))) {
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => [] as string[]);
    return `Quick Open found no ${expect} for '${query}' within 30 s (rows: ${rows.join(' | ') || 'none'})`;
  }
  await row.click();
  return undefined;
}

async function recordCount(page: Page): Promise<string | undefined> {
  for (const frame of page.frames()) {
    const text = await frame
      .locator('body')
      .innerText({ timeout: 1_000 })
      .catch(() => '');
    const records = /Records\s+([\d,]+)/.exec(text);
    if (records !== null) {
      return records[1];
    }
  }
  return undefined;
}

async function frameTexts(page: Page): Promise<string[]> {
  const texts: string[] = [];
  for (const frame of page.frames().slice(1)) {
    const text = await frame.locator('body').innerText({ timeout: 1_000 }).catch(() => '(unreadable)');
    texts.push(`${frame.url().slice(0, 60)}: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  return texts;
}

/**
 * Opens the Azure Traffic Lens view from the command palette (workbench.view.extension.trafficLens),
 * signs in with its welcome button and waits for every subscription of the demo tenant in the tree.
 */
async function checkInventoryTree(page: Page, environment: DemoEnvironment): Promise<string | undefined> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type('View: Show Azure Traffic Lens');
  const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Azure Traffic Lens' }).first();
  if (!(await entry.waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
    return "the command palette has no 'View: Show Azure Traffic Lens' (workbench.view.extension.trafficLens): is the view container contributed?";
  }
  await page.keyboard.press('Enter');
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Network Inventory/i }) });
  if (!(await view.first().waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
    return "the Azure Traffic Lens side bar did not show its 'Network Inventory' view within 10 s";
  }
  console.log('check: the Azure Traffic Lens view is open');
  const signIn = view.getByRole('button', { name: 'Sign In to Azure' });
  if (!(await signIn.waitFor({ timeout: 15_000 }).then(() => true, () => false))) {
    return "the Network Inventory view shows no 'Sign In to Azure' button within 15 s (the extension may not have activated)";
  }
  await signIn.click();
  console.log(`check: signed in with the test sign-in against ${environment.resourceManagerUrl}`);
  const deadline = Date.now() + 20_000;
  let missing = environment.subscriptions.map((subscription) => subscription.displayName);
  while (Date.now() < deadline) {
    const rows = await view.locator('.monaco-list-row').allInnerTexts().catch(() => [] as string[]);
    missing = missing.filter((name) => !rows.some((row) => row.includes(name)));
    if (missing.length === 0) {
      console.log(`check: the tree shows the demo's subscriptions: ${environment.subscriptions.map((subscription) => subscription.displayName).join(', ')}`);
      return expandFirstSubscription(view, environment);
    }
    await page.waitForTimeout(500);
  }
  return `the tree did not show ${missing.join(', ')} within 20 s; its rows: ${await rowTexts(view)}`;
}

async function rowTexts(view: ReturnType<Page['locator']>): Promise<string> {
  const rows = await view.locator('.monaco-list-row').allInnerTexts().catch(() => [] as string[]);
  return rows.length === 0 ? '(none)' : rows.map((row) => row.replace(/\s+/g, ' ').trim()).join(' | ');
}

/** Expands the first subscription and its "Virtual networks" folder: the lists come from the stand-in over HTTPS. */
async function expandFirstSubscription(view: ReturnType<Page['locator']>, environment: DemoEnvironment): Promise<string | undefined> {
  const subscription = environment.subscriptions[0].displayName;
  const vnets = environment.standIn.state
    .list(types.virtualNetwork, `/subscriptions/${environment.subscriptions[0].subscriptionId}`)
    .map((vnet) => vnet.name)
    .sort();
  await view.locator('.monaco-list-row', { hasText: subscription }).first().click();
  const folder = view.locator('.monaco-list-row', { hasText: 'Virtual networks' }).first();
  if (!(await folder.waitFor({ timeout: 15_000 }).then(() => true, () => false))) {
    return `expanding ${subscription} did not show a 'Virtual networks' row within 15 s; the tree's rows: ${await rowTexts(view)}`;
  }
  await folder.click();
  const first = view.locator('.monaco-list-row', { hasText: vnets[0] }).first();
  if (vnets.length === 0 || !(await first.waitFor({ timeout: 15_000 }).then(() => true, () => false))) {
    return `expanding 'Virtual networks' of ${subscription} did not show ${vnets[0] ?? 'any virtual network'} within 15 s; the tree's rows: ${await rowTexts(view)}`;
  }
  console.log(`check: expanding ${subscription} › Virtual networks shows ${vnets.join(', ')}`);
  return undefined;
}

/**
 * Opens the notification center (Notifications: Show Notifications) and reads what it holds: the
 * demo workspace lies inside this project's git repository, and VS Code's git extension asks
 * whether to open a repository it finds in a parent folder unless the settings say not to.
 */
async function checkNotifications(page: Page): Promise<string | undefined> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type('Notifications: Show Notifications');
  const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Notifications' }).first();
  if (!(await entry.waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
    return "the command palette has no 'Notifications: Show Notifications'";
  }
  await page.keyboard.press('Enter');
  const center = page.locator('.notifications-center');
  if (!(await center.waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
    return 'the notification center did not open within 10 s';
  }
  const messages = (await center.locator('.notification-list-item-message').allInnerTexts().catch(() => [] as string[])).map((text) => text.replace(/\s+/g, ' ').trim());
  console.log(`check: notifications: ${messages.length === 0 ? 'none' : messages.join(' | ')}`);
  const git = messages.find((message) => /git repositor/i.test(message));
  return git === undefined ? undefined : `a notification asks about git, which the demo's settings should prevent: "${git}"`;
}

/** Opens the URL like a user would: a generated blob in the viewer, then the inventory tree. */
async function check(url: string, sandbox: Sandbox, environment: DemoEnvironment): Promise<boolean> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: toolPaths.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    env: sandbox.env,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench .explorer-folders-view').waitFor({ timeout: 60_000 });
    console.log('check: the workbench shows the Explorer');
    const problem = (await checkFlowLogViewer(page)) ?? (await checkInventoryTree(page, environment)) ?? (await checkNotifications(page));
    const screenshot = join(demoDir, problem === undefined ? 'check.png' : 'check-failed.png');
    await page.waitForTimeout(problem === undefined ? 1_000 : 0);
    await page.screenshot({ path: screenshot });
    if (problem !== undefined) {
      console.error(`check: ${problem}`);
    }
    console.log(`check: screenshot of the page: ${screenshot}`);
    return problem === undefined;
  } catch (error) {
    console.error(`check: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return false;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const missing = checkTools();
  if (missing !== undefined) {
    console.error(missing);
    return 1;
  }
  const latencyMs = latencyOption();
  console.log(`==> writing the demo workspace (${workspace})`);
  const blobs = await buildWorkspace();
  if (!checkOnly) {
    for (const blob of blobs) {
      console.log(`    ${blob}`);
    }
  }

  const sandbox = createSandbox('traffic-lens-demo-');
  let spawned: ChildProcess | undefined;
  let environment: DemoEnvironment | undefined;
  let stopping = false;
  // code-server runs in its own process group: make sure it goes even if this process dies oddly.
  process.on('exit', () => {
    if (spawned !== undefined) {
      killGroup(spawned);
    }
    sandbox.remove();
  });
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      if (spawned !== undefined) {
        killGroup(spawned);
      }
      const forced = setTimeout(() => process.exit(code), 5_000);
      await environment?.close();
      clearTimeout(forced);
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!checkOnly && !stopping) {
        console.log('\n==> stopping code-server, Azurite and the ARM stand-in');
      }
      void stop(0);
    });
  }
  try {
    console.log('==> starting the ARM stand-in, Azurite (demo topology, generated flow logs) and code-server');
    const userDataDir = join(demoDir, 'user-data');
    if (checkOnly) {
      // A remembered sign-in would skip the welcome view the check signs in from.
      rmSync(userDataDir, { recursive: true, force: true });
    }
    // Settings without the stand-in's URL until it listens; the workbench reads them when the page opens.
    writeSettings(userDataDir, {});
    const wanted = Number(process.env.PORT ?? '8080');
    const port = checkOnly ? 0 : await freePort(wanted);
    const [started, listening] = await Promise.allSettled([
      startDemoEnvironment({ folder: demoDir, latencyMs }),
      startCodeServer({
        sandbox,
        userDataDir,
        extensionsDir: linkExtension(join(demoDir, 'extensions')),
        port,
        // The driver would also hide notification toasts; the check sees what a person does.
        smokeTestDriver: false,
        // The extension host inherits it: the stand-in and Azurite are trusted without turning TLS checks off.
        env: { NODE_EXTRA_CA_CERTS: writeCaBundle(demoDir) },
        onSpawn: (child) => {
          spawned = child;
        },
      }),
    ]);
    if (started.status === 'fulfilled') {
      environment = started.value;
    }
    if (started.status === 'rejected') {
      throw started.reason;
    }
    if (listening.status === 'rejected') {
      throw listening.reason;
    }
    const local = started.value;
    const server = listening.value;
    writeSettings(userDataDir, local.settings);
    server.process.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`code-server stopped (exit ${code ?? signal}).`);
        void stop(1);
      }
    });
    const url = workbenchUrl(server.origin, workspace, { developmentPaths: [] });
    if (checkOnly) {
      const ok = await check(url, sandbox, local);
      return await stop(ok ? 0 : 1);
    }
    console.log('');
    console.log('==> Azure Traffic Lens demo is running.');
    console.log('');
    console.log(`    ARM stand-in   ${local.resourceManagerUrl}  (tenant ${local.tenantId}${latencyMs > 0 ? `, ${latencyMs} ms per request` : ''})`);
    console.log(`    Azurite        ${local.storageServiceUrl}  (${local.blobCount} flow-log blobs)`);
    console.log(`    Log Analytics  ${local.logAnalyticsUrl}/v1  (Traffic Analytics rows once a flow log sends them to law-dev-uks)`);
    for (const [account, endpoint] of local.storageAccounts) {
      console.log(`                   ${account}: ${endpoint}`);
    }
    console.log(`    code-server    ${server.origin}`);
    console.log('');
    console.log('    Open this URL in a browser:');
    console.log('');
    console.log(`    ${url}`);
    console.log('');
    console.log(`    In the Azure Traffic Lens view (activity bar), press "Sign In to Azure" to see ${local.subscriptions.map((subscription) => subscription.displayName).join(', ')}.`);
    console.log('    Files named PT1H.json open in the flow-log viewer. Press Ctrl+C to stop everything.');
    return await new Promise<number>(() => undefined);
  } catch (error) {
    console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    return await stop(1);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
