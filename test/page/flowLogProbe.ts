/**
 * A script the tests add to the flow-log viewer's page, before the page's own bundle: it reads
 * what the page shows back from the DOM and reports it (`RenderedReport`), and types filters or
 * opens a row's details the way a person does. The integration suites load it through the
 * extension's viewer add-on seam; the filter benchmark adds it to its page the same way.
 *
 * It shares the page's one VS Code API object: `acquireVsCodeApi` may be called only once per page
 * (https://code.visualstudio.com/api/extension-guides/webview#scripts-and-message-passing), so
 * the probe, loaded first, wraps it, and watches the page's queries go out to know their epochs.
 */
import { formatTime } from '../../src/flowlogs/displayFormat';
import type { RowFilter, ViewMode } from '../../src/core/viewerProtocol';
import { isHostToProbe, type ProbeToHost, type RenderedDetailField, type RenderedReport } from './probeMessages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const page = globalThis as unknown as { acquireVsCodeApi?: () => VsCodeApi };
const acquire = page.acquireVsCodeApi;
let shared: VsCodeApi | undefined;
/** The epoch of the page's latest query, and of the latest result it was sent. */
let queryEpoch = 0;
let resultEpoch = -1;

function vscodeApi(): VsCodeApi | undefined {
  if (shared === undefined && acquire !== undefined) {
    const api = acquire();
    shared = {
      postMessage: (message) => {
        const sent = message as { type?: unknown; epoch?: unknown };
        if (sent.type === 'query' && typeof sent.epoch === 'number') {
          queryEpoch = sent.epoch;
        }
        api.postMessage(message);
      },
      getState: () => api.getState(),
      setState: (state) => api.setState(state),
    };
  }
  return shared;
}

if (acquire !== undefined) {
  page.acquireVsCodeApi = () => vscodeApi() as VsCodeApi;
}

function send(message: ProbeToHost): void {
  vscodeApi()?.postMessage(message);
}

function find<T extends Element = HTMLElement>(selector: string): T | null {
  return document.querySelector<T>(selector);
}

// ---------------------------------------------------------------------------------------------
// Reading what the page shows

let lastKey = '';
let reportTimer: ReturnType<typeof setTimeout> | undefined;

/** The rows a person sees: those inside the viewport below the header (all rows when it has no height). */
function shownRows(viewport: HTMLElement, header: HTMLElement | null): HTMLElement[] {
  const rows = [...document.querySelectorAll<HTMLElement>('.rows .row')].filter((row) => !row.hidden);
  if (viewport.clientHeight === 0) {
    return rows;
  }
  const box = viewport.getBoundingClientRect();
  const top = box.top + (header?.offsetHeight ?? 0);
  const bottom = box.top + viewport.clientHeight;
  return rows
    .filter((row) => {
      const rowBox = row.getBoundingClientRect();
      return rowBox.bottom > top && rowBox.top < bottom;
    })
    .sort((a, b) => Number(a.dataset.position) - Number(b.dataset.position));
}

/** The detail pane's fields as shown, with the number of lines each value wraps onto. */
function shownDetail(): RenderedDetailField[] | undefined {
  const pane = find('.detail');
  const list = pane === null || pane.hidden ? null : pane.querySelector('.detail-fields');
  if (list === null) {
    return undefined;
  }
  const detail: RenderedDetailField[] = [];
  for (const term of list.querySelectorAll('dt')) {
    const value = term.nextElementSibling;
    if (value !== null) {
      const range = document.createRange();
      range.selectNodeContents(value);
      const lines = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.bottom)));
      detail.push({ name: term.textContent ?? '', value: value.textContent ?? '', lines: lines.size });
    }
  }
  return detail;
}

/** What the page shows, or `undefined` while the current query's rows are not all on screen. */
function readPage(): { report: RenderedReport; first: number } | undefined {
  const viewport = find('.viewport');
  if (viewport === null || resultEpoch !== queryEpoch) {
    return undefined;
  }
  const header = find('.header-row');
  const rowElements = shownRows(viewport, header);
  if (rowElements.some((row) => row.classList.contains('placeholder'))) {
    return undefined;
  }
  const fields = [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('.filters .field input, .filters .field select')];
  const charts = find('.charts');
  const timeCard = find('.time-chart');
  const canvas = find('.canvas');
  const columnsMenu = find('.columns-menu');
  const progress = find('.progress');
  const detail = shownDetail();
  const active = document.activeElement;
  const report: RenderedReport = {
    epoch: queryEpoch,
    mode: find('.app')?.classList.contains('mode-connections') === true ? 'connections' : 'tuples',
    total: Math.max(0, Number(viewport.getAttribute('aria-rowcount') ?? '1') - 1),
    columns: [...(header?.children ?? [])].map((cell) => cell.querySelector('.sort')?.firstChild?.textContent ?? ''),
    rows: rowElements.map((row) => [...row.children].map((cell) => cell.textContent ?? '')),
    filterProblems: fields.flatMap((input) => {
      const message = input.parentElement?.querySelector('.field-error')?.textContent ?? '';
      return message === '' ? [] : [{ field: input.name as keyof RowFilter, message }];
    }),
    summary: [find('.summary-title')?.textContent ?? '', ...[...(find('.summary-facts')?.children ?? [])].map((fact) => `${fact.children[0]?.textContent ?? ''}: ${fact.children[1]?.textContent ?? ''}`)].join('; '),
    loading: progress === null || !progress.hidden,
    placeholders: Object.fromEntries(fields.map((input) => [input.name, input instanceof HTMLInputElement ? input.placeholder : ''])),
    viewWidth: document.documentElement.clientWidth,
    clippedLabels: [...(charts?.querySelectorAll<HTMLElement>('.bar-label') ?? [])].filter((label) => label.scrollWidth > label.clientWidth).map((label) => label.textContent ?? ''),
    fieldValues: Object.fromEntries(fields.filter((input) => input.value !== '').map((input) => [input.name, input.value])),
    activeBars: [...(charts?.querySelectorAll<HTMLElement>('.bar-row.active .bar-label') ?? [])].map((label) => label.textContent ?? ''),
    timeBars: timeCard === null || timeCard.hidden ? 0 : timeCard.querySelectorAll('.time-bar').length,
    tableOverflow: Math.max(0, Math.round((canvas?.scrollWidth ?? 0) - viewport.clientWidth)),
    chartsShown: charts?.hidden !== true,
    tableHeight: viewport.offsetHeight,
    columnWidths: [...(header?.children ?? [])].map((cell) => Math.round((cell as HTMLElement).offsetWidth)),
    tableWidth: viewport.clientWidth,
    columnsMenuOpen: columnsMenu !== null && !columnsMenu.hidden,
    focused: active instanceof HTMLElement && active !== document.body ? active.className : '',
    ...(detail === undefined ? {} : { detail }),
  };
  return { report, first: Number(rowElements[0]?.dataset.position ?? 0) };
}

/** Reports what the page shows when it changed: at once for a new query's rows, otherwise once it settled for 100 ms. */
function check(): void {
  const read = readPage();
  if (read === undefined) {
    return;
  }
  const { report, first } = read;
  const { epoch, rows, total, loading, ...rest } = report;
  const key = `${epoch}:${first}:${rows.length}:${total}:${String(loading)}:${JSON.stringify(rest)}`;
  if (key === lastKey) {
    return;
  }
  const isNewEpoch = !lastKey.startsWith(`${epoch}:`);
  lastKey = key;
  clearTimeout(reportTimer);
  if (isNewEpoch) {
    send({ probe: 'rendered', report });
  } else {
    reportTimer = setTimeout(() => send({ probe: 'rendered', report }), 100);
  }
}

// ---------------------------------------------------------------------------------------------
// Acting as a person

/** Sets a field's value; a select must offer it. */
function fill(name: string, value: string): void {
  const input = find<HTMLInputElement | HTMLSelectElement>(`.filters [name="${name}"]`);
  if (input === null) {
    throw new Error(`The viewer has no filter field "${name}".`);
  }
  input.value = value;
  if (input.value !== value) {
    throw new Error(`The filter field "${name}" does not offer "${value}".`);
  }
}

/** One value of a list the page's select shows (a select holds one). */
function single<T>(name: string, values: T[] | undefined): string {
  if (values === undefined || values.length === 0) {
    return '';
  }
  if (values.length > 1) {
    throw new Error(`The filter field "${name}" holds one value; ${JSON.stringify(values)} has ${values.length}.`);
  }
  return String(values[0]);
}

/** Types `filter` into every field (clearing the rest) and submits it, as Enter in a field does; then picks `mode`. */
function typeFilter(filter: RowFilter, mode: ViewMode | undefined): void {
  fill('text', filter.text ?? '');
  fill('ip', filter.ip ?? '');
  fill('port', filter.port ?? '');
  fill('protocols', single('protocols', filter.protocols));
  fill('direction', filter.direction ?? '');
  fill('decision', filter.decision ?? '');
  fill('states', single('states', filter.states));
  fill('rule', filter.rule ?? '');
  fill('timeFrom', filter.timeFrom === undefined ? '' : formatTime(filter.timeFrom));
  fill('timeTo', filter.timeTo === undefined ? '' : formatTime(filter.timeTo));
  find<HTMLFormElement>('form.filters')?.requestSubmit();
  if (mode !== undefined) {
    const button = [...document.querySelectorAll<HTMLButtonElement>('.mode-switch button')].find((candidate) => candidate.textContent?.toLowerCase() === mode);
    if (button?.getAttribute('aria-checked') !== 'true') {
      button?.click();
    }
  }
}

/** Selects the row at `position` from the keyboard (Home, then Down) and opens its details with Enter. */
function openDetail(position: number): void {
  const viewport = find('.viewport');
  if (viewport === null) {
    return;
  }
  viewport.focus();
  const press = (key: string): boolean => viewport.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  press('Home');
  for (let step = 0; step < position; step++) {
    press('ArrowDown');
  }
  press('Enter');
}

// ---------------------------------------------------------------------------------------------
// Wiring: the probe's listener comes before the page's, so it sees each result before the page
// renders it, and keeps its own messages from the page.

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (isHostToProbe(message)) {
    event.stopImmediatePropagation();
    if (message.probe === 'setFilter') {
      typeFilter(message.filter, message.mode);
    } else {
      openDetail(message.position);
    }
    return;
  }
  const result = message as { type?: unknown; epoch?: unknown };
  if (result.type === 'queryResult' && typeof result.epoch === 'number') {
    resultEpoch = result.epoch;
  }
  // After the page handled it.
  setTimeout(check, 0);
});

// Style alone changes while a column's edge is dragged: what shows then is not settled (the page
// keeps the width on release, and renders again).
new MutationObserver((records) => {
  if (records.some((record) => record.type !== 'attributes' || record.attributeName !== 'style')) {
    check();
  }
}).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
window.addEventListener('resize', check);
document.addEventListener('focusin', check);
document.addEventListener('scroll', check, true);

function start(): void {
  send({ probe: 'ready' });
  check();
}
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  setTimeout(start, 0);
}
