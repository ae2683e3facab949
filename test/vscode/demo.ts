// `npm start`: a demo workspace of flow logs laid out as Azure stores them, and code-server
// (a real VS Code in the browser) with the extension loaded from this project.
//
//   node out/test/vscode/demo.js [--check]
//
// PORT picks the port (default 8080; the next free one is used if it is taken). Runs until
// Ctrl+C. With --check it instead opens the printed URL in headless Chromium, opens a PT1H.json
// blob, waits for the flow-log viewer to show its records, and exits (0 when it did).
// Everything it writes goes to .demo/ (git-ignored): workspace/, user-data/, extensions/;
// the check uses .demo/check/.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { writeFlowLogFile, type GeneratedFormat } from '../fixtures/flowLogGenerator';
import { checkTools, createSandbox, projectRoot, startCodeServer, toolPaths, workbenchUrl, type RunningCodeServer, type Sandbox } from './codeServer';

const checkOnly = process.argv.includes('--check');
// The check works in its own folder so that it never disturbs a running demo.
const demoDir = checkOnly ? join(projectRoot, '.demo', 'check') : join(projectRoot, '.demo');
const workspace = join(demoDir, 'workspace');
const samplesDir = join(projectRoot, 'test/fixtures/samples');

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

function writeSettings(userDataDir: string): void {
  const settings = {
    // Blobs open in the viewer; the samples too, "Open With… > Text Editor" shows the JSON.
    'workbench.editorAssociations': { '**/PT1H.json': 'trafficLens.flowLogViewer', '**/samples/*.json': 'trafficLens.flowLogViewer' },
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
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

/** Opens the URL like a user would and waits for the viewer to show a generated blob's records. */
async function check(url: string, sandbox: Sandbox): Promise<boolean> {
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
    // Quick Open a generated VNet blob: the editor association opens it in the viewer.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('WEB-FLOWLOG PT1H.json');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      for (const frame of page.frames()) {
        const text = await frame
          .locator('body')
          .innerText({ timeout: 1_000 })
          .catch(() => '');
        const records = /Records\s+([\d,]+)/.exec(text);
        if (records !== null && records[1] !== '0') {
          console.log(`check: the flow-log viewer shows ${records[1]} records`);
          await page.waitForTimeout(2_000);
          await page.screenshot({ path: join(demoDir, 'check.png') });
          console.log(`check: screenshot of the page: ${join(demoDir, 'check.png')}`);
          return true;
        }
      }
      await page.waitForTimeout(500);
    }
    console.error('check: the flow-log viewer did not show any records within 60 s');
    await page.screenshot({ path: join(demoDir, 'check-failed.png') });
    console.error(`check: screenshot of the page: ${join(demoDir, 'check-failed.png')}`);
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
  console.log(`==> writing the demo workspace (${workspace})`);
  const blobs = await buildWorkspace();
  if (!checkOnly) {
    for (const blob of blobs) {
      console.log(`    ${blob}`);
    }
  }
  const userDataDir = join(demoDir, 'user-data');
  writeSettings(userDataDir);

  const sandbox = createSandbox('traffic-lens-demo-');
  let server: RunningCodeServer | undefined;
  const stop = (code: number): never => {
    server?.kill();
    sandbox.remove();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  try {
    const wanted = Number(process.env.PORT ?? '8080');
    const port = checkOnly ? 0 : await freePort(wanted);
    server = await startCodeServer({ sandbox, userDataDir, extensionsDir: join(demoDir, 'extensions'), port, smokeTestDriver: checkOnly });
    server.process.on('exit', (code, signal) => {
      console.error(`code-server stopped (exit ${code ?? signal}).`);
      stop(1);
    });
    const url = workbenchUrl(server.origin, workspace, { developmentPaths: [projectRoot] });
    if (checkOnly) {
      const ok = await check(url, sandbox);
      return stop(ok ? 0 : 1);
    }
    console.log('');
    console.log('==> Azure Traffic Lens demo is running. Open this URL in a browser:');
    console.log('');
    console.log(`    ${url}`);
    console.log('');
    console.log('    Files named PT1H.json open in the flow-log viewer. Press Ctrl+C to stop.');
    return await new Promise<number>(() => undefined);
  } catch (error) {
    console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    return stop(1);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
