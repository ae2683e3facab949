/**
 * Filter benchmark: the real webview bundle in headless Chromium, behind an in-page host that
 * speaks the real protocol and answers with the real query engine (FlowLogView) over a
 * generated 1,000,000-row table. Types filters into the real inputs and measures the time from
 * the input event to the table showing the new rows (the `rendered` report of the tests' page
 * probe, test/page/flowLogProbe.ts, added before the page's bundle as the integration suites add it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../test/fixtures/projectRoot';

const rowCount = Number(process.env.TRAFFIC_LENS_FILTER_ROWS ?? 1_000_000);
const targetMs = 150;


interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}

interface Step {
  label: string;
  /** CSS selector of the input, and the value to type or choose. */
  selector: string;
  value: string;
  kind: 'type' | 'select';
}

const steps: Step[] = [
  { label: 'IP CIDR 10.1.0.0/16', selector: 'input[name="ip"]', value: '10.1.0.0/16', kind: 'type' },
  { label: '+ port 443', selector: 'input[name="port"]', value: '443', kind: 'type' },
  { label: '+ decision deny', selector: 'select[name="decision"]', value: 'deny', kind: 'select' },
  { label: '- decision', selector: 'select[name="decision"]', value: '', kind: 'select' },
  { label: '- port', selector: 'input[name="port"]', value: '', kind: 'type' },
  { label: '- IP (all rows)', selector: 'input[name="ip"]', value: '', kind: 'type' },
  { label: 'text "UserRule_Web"', selector: 'input[name="text"]', value: 'UserRule_Web', kind: 'type' },
  { label: 'text "52.23"', selector: 'input[name="text"]', value: '52.23', kind: 'type' },
  { label: '- text', selector: 'input[name="text"]', value: '', kind: 'type' },
  { label: 'port range 1000-2000', selector: 'input[name="port"]', value: '1000-2000', kind: 'type' },
  { label: '+ protocol UDP', selector: 'select[name="protocols"]', value: '17', kind: 'select' },
  { label: '+ direction inbound', selector: 'select[name="direction"]', value: 'inbound', kind: 'select' },
  { label: '- port', selector: 'input[name="port"]', value: '', kind: 'type' },
  { label: 'IP 10.1.2.3', selector: 'input[name="ip"]', value: '10.1.2.3', kind: 'type' },
  { label: 'IPv6 CIDR 2001:db8::/32', selector: 'input[name="ip"]', value: '2001:db8::/32', kind: 'type' },
];

/** The in-page host: generates the table, runs FlowLogView, and plays the extension host's part. */
function hostSource(root: string): string {
  const path = (relative: string): string => JSON.stringify(join(root, relative));
  return `
import { FlowTable, packFlags } from ${path('src/flowlogs/flowTable.ts')};
import { FlowLogView } from ${path('src/flowlogs/flowLogView.ts')};
import { joinConnections } from ${path('src/flowlogs/connections.ts')};

const rowCount = ${rowCount};
let seed = 12345;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const started = performance.now();
const table = new FlowTable();
const ips = [];
for (let i = 0; i < 4000; i++) ips.push(table.ips.intern('10.' + (i % 4) + '.' + ((i >> 2) % 256) + '.' + ((i * 7) % 250 + 1)));
for (let i = 0; i < 3000; i++) ips.push(table.ips.intern((20 + (i % 200)) + '.' + ((i * 13) % 256) + '.' + ((i * 29) % 256) + '.' + ((i * 31) % 254 + 1)));
for (let i = 0; i < 200; i++) ips.push(table.ips.intern('2001:db8:' + (i % 16).toString(16) + '::' + (i + 1).toString(16)));
const rules = ['DefaultRule_AllowInternetOutBound', 'DefaultRule_DenyAllInBound', 'UserRule_Web-443', 'UserRule_WebAdmin', 'Internet_4b9ac3d8', 'BlockHighRiskTCPPortsFromInternet_456b4993'];
for (let c = 0; c < 1440; c++) {
  table.contexts.push({
    recordIndex: c, recordOffset: 12 + c * 5000, recordTime: new Date(Date.UTC(2024, 2, 1, 10) + c * 60000).toISOString(),
    format: 'vnet', version: 4,
    resourceId: '/SUBSCRIPTIONS/SUB/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/VNETFLOWLOG',
    targetResourceId: '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-' + (c % 8),
    mac: '00224871C2' + (c % 8).toString(16).toUpperCase().padStart(2, '0'), rule: rules[c % rules.length], aclId: 'acl-' + (c % 3),
  });
}
table.reserve(rowCount);
const flagsByKind = [packFlags('outbound', 'allow', 'begin'), packFlags('outbound', 'allow', 'end'), packFlags('inbound', 'deny', 'deny'), packFlags('inbound', 'allow', 'continuing')];
const dstPorts = [443, 443, 443, 80, 22, 3389, 53, 1433, 8080];
for (let row = 0; row < rowCount; row++) {
  const context = Math.floor(row * 1440 / rowCount);
  const kind = Math.floor(random() * 4);
  const v6 = random() < 0.01;
  table.time[row] = Date.UTC(2024, 2, 1, 10) + context * 60000 + Math.floor(random() * 60000);
  table.srcIp[row] = v6 ? ips[7000 + Math.floor(random() * 200)] : ips[Math.floor(random() * 4000)];
  table.dstIp[row] = v6 ? ips[7000 + Math.floor(random() * 200)] : ips[4000 + Math.floor(random() * 3000)];
  table.srcPort[row] = 1024 + Math.floor(random() * 64000);
  table.dstPort[row] = random() < 0.8 ? dstPorts[Math.floor(random() * dstPorts.length)] : Math.floor(random() * 65536);
  table.protocol[row] = random() < 0.85 ? 6 : 17;
  table.flags[row] = flagsByKind[kind];
  table.encryption[row] = 0;
  const hasCounters = kind === 1 || kind === 3;
  table.packetsSrcToDst[row] = hasCounters ? Math.floor(random() * 100) : 0;
  table.bytesSrcToDst[row] = hasCounters ? Math.floor(random() * 100000) : 0;
  table.packetsDstToSrc[row] = hasCounters ? Math.floor(random() * 100) : 0;
  table.bytesDstToSrc[row] = hasCounters ? Math.floor(random() * 100000) : 0;
  table.context[row] = context;
  table.tupleIndex[row] = row % 700;
}
table.length = rowCount;
const generatedMs = performance.now() - started;
const join = joinConnections;
const view = new FlowLogView(table, (t) => join(t), async () => ({ text: '{}', tuples: [] }));
const summary = {
  fileName: 'generated-' + rowCount + '.json', fileBytes: rowCount * 75, formats: ['VNet flow log v4'],
  timeFrom: table.time[0], timeTo: table.time[rowCount - 1], records: 1440, tuples: rowCount, rejectedTuples: 0, connections: 0,
  uniqueSources: 4200, uniqueDestinations: 3200, allowed: 0, denied: 0, bytes: 0, packets: 0, problems: [], loading: false, bytesRead: rowCount * 75,
};
const reports = [];
window.__bench = { generatedMs, reports, waiters: [] };
function send(message) {
  window.postMessage(message, '*');
}
function handle(message) {
  switch (message.type) {
    case 'ready': send({ type: 'init', protocolVersion: 1, summary }); break;
    case 'query': {
      const queryStarted = performance.now();
      const reply = view.query(message.requestId, message.epoch, message.query, message.window);
      window.__bench.queryMs = performance.now() - queryStarted;
      send(reply);
      break;
    }
    case 'rows': { const reply = view.rows(message.requestId, message.epoch, message.offset, message.limit); if (reply) send(reply); break; }
    case 'detail': view.detail(message.requestId, message.mode, message.id).then(send); break;
    default: break;
  }
  if (message.probe === 'rendered') {
    const report = { at: performance.now(), epoch: message.report.epoch, total: message.report.total, rows: message.report.rows.length, first: message.report.rows[0] };
    reports.push(report);
    const waiters = window.__bench.waiters.splice(0);
    for (const waiter of waiters) waiter(report);
  }
}
window.acquireVsCodeApi = () => ({
  postMessage(message) { setTimeout(() => handle(JSON.parse(JSON.stringify(message))), 0); },
  getState() { return undefined; },
  setState() {},
});
`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function runFilterBench(): Promise<void> {
  const root = projectRoot();
  const load = createRequire(join(root, 'package.json'));
  const esbuild = load('esbuild') as Esbuild;
  const { chromium } = load('playwright-core') as typeof import('playwright-core');

  /** One browser bundle, as the page's own build makes it: the in-page host (from source text), the probe and the page. */
  const browserBundle = async (input: { stdin: Record<string, unknown> } | { entryPoints: string[] }): Promise<string> =>
    (await esbuild.build({ ...input, bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'error' })).outputFiles[0].text;
  const host = await browserBundle({ stdin: { contents: hostSource(root), resolveDir: root, loader: 'ts', sourcefile: 'filterBenchHost.ts' } });
  const page = await browserBundle({ entryPoints: [join(root, 'media/flowlogs/main.ts')] });
  const probe = await browserBundle({ entryPoints: [join(root, 'test/page/flowLogProbe.ts')] });
  const css = readFileSync(join(root, 'media/flowlogs/flowlogs.css'), 'utf8');

  const browser = await chromium.launch({
    executablePath: process.env.TRAFFIC_LENS_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body data-settings="{}"></body></html>');
    await tab.addStyleTag({ content: css });
    const loadStarted = Date.now();
    await tab.addScriptTag({ content: host });
    const generatedMs = await tab.evaluate(() => (window as unknown as { __bench: { generatedMs: number } }).__bench.generatedMs);
    const firstRenderStarted = Date.now();
    await tab.addScriptTag({ content: probe });
    await tab.addScriptTag({ content: page });
    await tab.waitForFunction(() => (window as unknown as { __bench: { reports: { total: number }[] } }).__bench.reports.some((report) => report.total > 0), undefined, { timeout: 120_000 });
    const firstRenderMs = Date.now() - firstRenderStarted;
    process.stdout.write(`\nFilter benchmark: ${rowCount.toLocaleString('en-US')} generated rows in headless Chromium (table generated in ${generatedMs.toFixed(0)} ms, page ready in ${Date.now() - loadStarted} ms, first table render ${firstRenderMs} ms)\n`);

    const measure = async (step: Step): Promise<{ ms: number; total: number; engineMs: number }> => {
      return tab.evaluate(
          ({ selector, value, kind }) =>
            new Promise<{ ms: number; total: number; engineMs: number }>((resolve, reject) => {
              const bench = (window as unknown as { __bench: { waiters: ((report: { at: number; total: number; epoch: number }) => void)[]; reports: { epoch: number }[] } }).__bench;
              const input = document.querySelector(selector) as HTMLInputElement | HTMLSelectElement | null;
              if (input === null) {
                reject(new Error(`no element ${selector}`));
                return;
              }
              const lastEpoch = bench.reports.length > 0 ? bench.reports[bench.reports.length - 1].epoch : 0;
              const timer = setTimeout(() => reject(new Error(`no render after setting ${selector} to ${value}`)), 60_000);
              const wait = (report: { at: number; total: number; epoch: number }): void => {
                if (report.epoch <= lastEpoch) {
                  bench.waiters.push(wait);
                  return;
                }
                clearTimeout(timer);
                resolve({ ms: report.at - started, total: report.total, engineMs: (bench as unknown as { queryMs: number }).queryMs });
              };
              bench.waiters.push(wait);
              input.focus();
              input.value = value;
              const started = performance.now();
              input.dispatchEvent(new Event(kind === 'select' ? 'change' : 'input', { bubbles: true }));
            }),
          step,
        );
    };
    const valueOf = (selector: string): Promise<string> => tab.evaluate((target) => (document.querySelector(target) as HTMLInputElement | HTMLSelectElement).value, selector);
    // One unmeasured pass lets the JIT compile the filter, sort and render paths first; then
    // every field goes back to empty.
    for (const step of steps) {
      await measure(step);
    }
    for (const step of steps) {
      if ((await valueOf(step.selector)) !== '') {
        await measure({ ...step, value: '' });
      }
    }
    const rounds = 3;
    const results: { label: string; ms: number; total: number; engineMs: number }[] = [];
    const all: number[] = [];
    for (const step of steps) {
      const before = await valueOf(step.selector);
      const runs: { ms: number; total: number; engineMs: number }[] = [];
      for (let round = 0; round < rounds; round++) {
        if (round > 0) {
          // Undo the step so that each round measures the same change.
          await measure({ ...step, value: before });
        }
        runs.push(await measure(step));
      }
      all.push(...runs.map((run) => run.ms));
      results.push({ label: step.label, ms: median(runs.map((run) => run.ms)), total: runs[0].total, engineMs: median(runs.map((run) => run.engineMs)) });
    }
    for (const result of results) {
      process.stdout.write(
        `  ${result.label.padEnd(28)} ${result.ms.toFixed(1).padStart(8)} ms  ${result.total.toLocaleString('en-US').padStart(10)} rows  (filter+sort+aggregate ${result.engineMs.toFixed(1)} ms)\n`,
      );
    }
    const times = all;
    const worst = Math.max(...times);
    const over = times.filter((time) => time >= targetMs).length;
    process.stdout.write(
      `  input → rows shown: median ${median(times).toFixed(1)} ms, max ${worst.toFixed(1)} ms over ${times.length} measurements (${steps.length} filters × ${rounds} rounds after a warm-up pass; per-filter figures are medians) (target < ${targetMs} ms: ${worst < targetMs ? 'met' : `NOT met by ${over} of ${times.length}`}; typing is coalesced while a query is in flight, not delayed)\n` +
        `  machine: ${cpus().length} cores, load average ${loadavg()
          .map((load) => load.toFixed(1))
          .join(' / ')} (1/5/15 min) at the end of the run\n`,
    );

    const sortMs = await tab.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const bench = (window as unknown as { __bench: { waiters: ((report: { at: number; epoch: number }) => void)[]; reports: { epoch: number }[] } }).__bench;
          const lastEpoch = bench.reports[bench.reports.length - 1].epoch;
          const button = [...document.querySelectorAll<HTMLButtonElement>('.header-row button')].find((node) => node.textContent?.startsWith('Bytes'));
          const started = performance.now();
          const wait = (report: { at: number; epoch: number }): void => {
            if (report.epoch <= lastEpoch) {
              bench.waiters.push(wait);
              return;
            }
            resolve(report.at - started);
          };
          bench.waiters.push(wait);
          button?.click();
        }),
    );
    const clearMs = await tab.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const bench = (window as unknown as { __bench: { waiters: ((report: { at: number; epoch: number; total: number }) => void)[]; reports: { epoch: number }[] } }).__bench;
          const lastEpoch = bench.reports[bench.reports.length - 1].epoch;
          const button = [...document.querySelectorAll<HTMLButtonElement>('.filter-actions button')].find((node) => node.textContent === 'Clear Filters');
          const started = performance.now();
          const wait = (report: { at: number; epoch: number; total: number }): void => {
            if (report.epoch <= lastEpoch) {
              bench.waiters.push(wait);
              return;
            }
            resolve(report.at - started);
          };
          bench.waiters.push(wait);
          button?.click();
        }),
    );
    process.stdout.write(`  sort filtered view by bytes: ${sortMs.toFixed(1)} ms; clear filters and re-sort ${rowCount.toLocaleString('en-US')} rows by bytes: ${clearMs.toFixed(1)} ms\n`);

    const scroll = await tab.evaluate(async () => {
      const viewport = document.querySelector('.viewport') as HTMLElement;
      const frames: number[] = [];
      for (let step = 0; step < 60; step++) {
        const started = performance.now();
        viewport.scrollTop = (viewport.scrollHeight * step) / 60;
        await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
        frames.push(performance.now() - started);
      }
      return { frames, rows: document.querySelectorAll('.rows .row:not([hidden])').length };
    });
    process.stdout.write(
      `  scrolling: 60 jumps across the whole table, median ${median(scroll.frames).toFixed(1)} ms, max ${Math.max(...scroll.frames).toFixed(1)} ms per jump (two frames); ${scroll.rows} row elements in the DOM\n`,
    );
    if (errors.length > 0) {
      process.stdout.write(`  page errors: ${errors.join('; ')}\n`);
    }
    const screenshot = process.env.TRAFFIC_LENS_FILTER_SCREENSHOT;
    if (screenshot !== undefined && screenshot !== '') {
      await tab.evaluate(() => (document.querySelector('.rows .row:not([hidden])') as HTMLElement | null)?.click());
      await tab.waitForTimeout(300);
      await tab.screenshot({ path: screenshot });
    }
  } finally {
    await browser.close();
  }
}
