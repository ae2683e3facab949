/**
 * The flow-log viewer page: summary header, filters, charts, a virtualized table of tuples or
 * connections, and a detail pane. Every value from the log is inserted with `textContent`, and
 * shown with bidirectional control characters neutralised (`neutralizeBidi`): `element`, table
 * cells, the title, facts, detail fields and chart labels. The raw tuples and the raw record in
 * the detail pane keep the raw text, as exports do.
 */
import {
  assertNever,
  type ColumnId,
  type ColumnLayout,
  type ColumnLayouts,
  type ExportFormat,
  type FileSummary,
  type FilterProblemView,
  type HostToView,
  type Query,
  type RowDetail,
  type RowFilter,
  type SortSpec,
  type Timeline,
  type ViewAggregates,
  type ViewMode,
  type ViewRow,
  type ViewToHost,
} from '../../src/core/viewerProtocol';
import { filterProblem, filterTextLimits, sortProblem } from '../../src/core/viewerProtocolChecks';
import { neutralizeBidi } from '../../src/core/displayText';
import { problemLocation } from '../../src/flowlogs/problemLocation';
import { columnsByMode, formatBytes, formatCount, formatTime, parseTimeInput, summaryFacts, timeFilterHints, timeInputHint, type Column } from './format';
import { clampWidth, emptyLayout, gridTemplate, isColumnShown, moveColumn, orderedColumns, placeColumns, resizeColumn, setColumnHidden, shiftColumn, type PlacedColumn } from './columnLayout';
import { brushRange, chartFilterFor, isChartFilterActive, timelineBars, type ChartPick } from './charts';

interface VsCodeApi {
  postMessage(message: ViewToHost): void;
  getState(): unknown;
  setState(state: PageState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

interface PageState {
  filter: RowFilter;
  sort?: SortSpec;
  mode: ViewMode;
  scrollTop: number;
  /** The charts folded away, leaving the table more room; undefined until the user chooses. */
  chartsHidden?: boolean;
}

const rowHeight = 22;
const headerHeight = 26;
const overscan = 8;
const blockSize = 100;
/** Browsers cap element heights; beyond this the scrollbar maps proportionally onto rows. */
const maxCanvasHeight = 8_000_000;
/** Re-query after this long if a query's reply never came while typing continued. */
const stalledQueryMs = 500;

const vscode = acquireVsCodeApi();

/** An element with a class and its text as shown (`neutralizeBidi`). */
function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = neutralizeBidi(text);
  }
  return node;
}

/** The state a previous page of this editor saved; a filter or sort the host would refuse (saved by an older version) is dropped. */
function readState(): PageState {
  const saved = vscode.getState() as Partial<PageState> | undefined;
  return {
    filter: saved?.filter !== undefined && filterProblem(saved.filter) === undefined ? saved.filter : {},
    sort: saved?.sort !== undefined && sortProblem(saved.sort) === undefined ? saved.sort : undefined,
    mode: saved?.mode === 'connections' ? 'connections' : 'tuples',
    scrollTop: typeof saved?.scrollTop === 'number' ? saved.scrollTop : 0,
    chartsHidden: typeof saved?.chartsHidden === 'boolean' ? saved.chartsHidden : undefined,
  };
}

const settings = ((): { fileName?: string; problem?: string } => {
  try {
    return JSON.parse(document.body.dataset.settings ?? '{}') as { fileName?: string; problem?: string };
  } catch {
    return {};
  }
})();

// ---------------------------------------------------------------------------------------------
// Layout

const app = element('div', 'app');
const banner = element('div', 'banner');
banner.setAttribute('role', 'alert');
banner.hidden = true;

const header = element('header', 'summary');
const title = element('h1', 'summary-title', settings.fileName ?? 'Flow log');
const facts = element('dl', 'summary-facts');
const progress = element('div', 'progress');
const progressBar = element('div', 'progress-bar');
const progressText = element('span', 'progress-text');
progress.append(progressBar, progressText);
progress.setAttribute('role', 'progressbar');
header.append(title, facts, progress);

const problemsPanel = element('section', 'problems');
problemsPanel.hidden = true;
problemsPanel.setAttribute('aria-label', 'Decoding problems');

const filters = element('form', 'filters');
filters.setAttribute('aria-label', 'Filters');

interface Field {
  key: keyof RowFilter | 'timeFrom' | 'timeTo';
  input: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}

const fields: Field[] = [];

function addField(key: Field['key'], label: string, input: HTMLInputElement | HTMLSelectElement): Field {
  const wrapper = element('label', 'field');
  wrapper.append(element('span', 'field-label', label), input);
  const error = element('span', 'field-error');
  error.id = `error-${key}`;
  error.setAttribute('aria-live', 'polite');
  input.setAttribute('aria-describedby', error.id);
  input.name = key;
  wrapper.append(error);
  filters.append(wrapper);
  const field = { key, input, error };
  fields.push(field);
  return field;
}

/** A text input; `maxLength` is the longest value the host takes for its field. */
function textInput(placeholder: string, maxLength?: number): HTMLInputElement {
  const input = element('input');
  input.type = 'text';
  if (maxLength !== undefined) {
    input.maxLength = maxLength;
  }
  input.placeholder = placeholder;
  input.spellcheck = false;
  input.autocomplete = 'off';
  return input;
}

function select(options: [string, string][]): HTMLSelectElement {
  const node = element('select');
  for (const [value, label] of options) {
    const option = element('option', undefined, label);
    option.value = value;
    node.append(option);
  }
  return node;
}

const textField = addField('text', 'Search', textInput('address, port, rule, MAC, resource', filterTextLimits.text));
const ipField = addField('ip', 'IP or CIDR', textInput('10.0.0.0/16', filterTextLimits.ip));
const portField = addField('port', 'Port', textInput('443 or 1000-2000', filterTextLimits.port));
const protocolField = addField('protocols', 'Protocol', select([['', 'Any'], ['6', 'TCP'], ['17', 'UDP'], ['1', 'ICMP']]));
const directionField = addField('direction', 'Direction', select([['', 'Any'], ['inbound', 'Inbound'], ['outbound', 'Outbound']]));
const decisionField = addField('decision', 'Decision', select([['', 'Any'], ['allow', 'Allow'], ['deny', 'Deny']]));
const stateField = addField(
  'states',
  'State',
  select([['', 'Any'], ['begin', 'Begin'], ['continuing', 'Continuing'], ['end', 'End'], ['deny', 'Deny'], ['none', 'None (NSG v1)']]),
);
const ruleSelect = select([['', 'Any']]);
const ruleField = addField('rule', 'Rule', ruleSelect);
const timeFromField = addField('timeFrom', 'From (UTC)', textInput(timeInputHint));
const timeToField = addField('timeTo', 'To (UTC)', textInput(timeInputHint));
const srcIpField = addField('srcIp', 'Source IPs', textInput('10.0.1.0/24, 10.0.2.4', filterTextLimits.ipList));
const dstIpField = addField('dstIp', 'Destination IPs', textInput('10.0.1.0/24, 10.0.2.4', filterTextLimits.ipList));

const actions = element('div', 'filter-actions');
const clearButton = element('button', 'secondary', 'Clear Filters');
clearButton.type = 'button';
const modeGroup = element('div', 'mode-switch');
modeGroup.setAttribute('role', 'radiogroup');
modeGroup.setAttribute('aria-label', 'Show');
const tuplesButton = element('button', 'mode', 'Tuples');
const connectionsButton = element('button', 'mode', 'Connections');
for (const button of [tuplesButton, connectionsButton]) {
  button.type = 'button';
  button.setAttribute('role', 'radio');
  modeGroup.append(button);
}
const exportFormat = select([['csv', 'CSV'], ['ndjson', 'NDJSON'], ['ecs', 'ECS NDJSON']]);
exportFormat.setAttribute('aria-label', 'Export format');
const exportButton = element('button', 'secondary', 'Export…');
exportButton.name = 'export';
exportButton.type = 'button';
const columnsButton = element('button', 'secondary columns-button', 'Columns…');
columnsButton.type = 'button';
columnsButton.setAttribute('aria-haspopup', 'true');
columnsButton.setAttribute('aria-expanded', 'false');
const columnsMenu = element('div', 'columns-menu');
columnsMenu.hidden = true;
columnsMenu.setAttribute('role', 'group');
columnsMenu.setAttribute('aria-label', 'Columns');
const columnsAnchor = element('div', 'columns-anchor');
columnsAnchor.append(columnsButton, columnsMenu);
const chartsButton = element('button', 'secondary charts-button');
chartsButton.type = 'button';
const resultCount = element('span', 'result-count');
resultCount.setAttribute('aria-live', 'polite');
actions.append(modeGroup, clearButton, columnsAnchor, chartsButton, exportFormat, exportButton, resultCount);
filters.append(actions);

const charts = element('section', 'charts');
charts.setAttribute('aria-label', 'Charts of the current view');
const timeChart = chartCard('Traffic over time (UTC)');
timeChart.card.classList.add('time-chart');
const timeMeasure = select([['flows', 'Flows per minute'], ['bytes', 'Bytes per minute']]);
timeMeasure.setAttribute('aria-label', 'Traffic over time shows');
timeMeasure.classList.add('time-measure');
timeChart.card.querySelector('figcaption')?.append(timeMeasure);
const decisionChart = chartCard('Allowed vs denied');
const talkersChart = chartCard('Top talkers (bytes from source)');
const deniedChart = chartCard('Top denied destination ports');
charts.append(timeChart.card, decisionChart.card, talkersChart.card, deniedChart.card);
charts.id = 'charts';
chartsButton.setAttribute('aria-controls', charts.id);

function chartCard(label: string): { card: HTMLElement; body: HTMLElement } {
  const card = element('figure', 'chart');
  const caption = element('figcaption', 'chart-title', label);
  const body = element('div', 'chart-body');
  card.append(caption, body);
  return { card, body };
}

const main = element('div', 'main');
const tableRegion = element('div', 'table-region');
const viewport = element('div', 'viewport');
viewport.tabIndex = 0;
viewport.setAttribute('role', 'grid');
viewport.setAttribute('aria-label', 'Flows');
const canvas = element('div', 'canvas');
const tableHeader = element('div', 'row header-row');
tableHeader.setAttribute('role', 'row');
const rowsLayer = element('div', 'rows');
rowsLayer.setAttribute('role', 'rowgroup');
canvas.append(tableHeader, rowsLayer);
viewport.append(canvas);
const emptyState = element('div', 'empty');
emptyState.hidden = true;
const emptyText = element('p', 'empty-text', 'No flows match these filters');
const emptyClear = element('button', undefined, 'Clear Filters');
emptyClear.type = 'button';
emptyState.append(emptyText, emptyClear);
tableRegion.append(viewport, emptyState);

const detailPane = element('aside', 'detail');
detailPane.hidden = true;
detailPane.setAttribute('aria-label', 'Flow details');
main.append(tableRegion, detailPane);

app.append(banner, header, problemsPanel, filters, charts, main);
document.body.append(app);

// ---------------------------------------------------------------------------------------------
// State

const state = readState();
let summary: FileSummary | undefined;
/** The user's column layouts (from the host's globalState) and the columns they place now. */
let layouts: ColumnLayouts = {};
let placed: PlacedColumn[] = [];
/** True once the host named NICs from the signed-in inventory: the NIC/VM columns can show. */
let hasInventory = false;
/** The host's revision of the NIC names the rows shown carry. */
let ownersRevision: number | undefined;
/** The NIC/VM columns some row of the file fills (from the summary): only these show unless the user asks. */
let filled: ReadonlySet<ColumnId> = new Set();
let lastAggregates: ViewAggregates | undefined;
let epoch = 0;
let requestId = 0;
let total = 0;
/** True once the current epoch's query result arrived. */
let hasResult = false;
let lastSummaryTuples = -1;
let lastRefreshAt = 0;
let filterProblems: FilterProblemView[] = [];
let pageProblems: FilterProblemView[] = [];
const blocks = new Map<number, ViewRow[]>();
const pendingBlocks = new Set<number>();
let selected = -1;
let detailRequest = -1;
let textTimer: ReturnType<typeof setTimeout> | undefined;
/** The epoch whose query result has not arrived yet. */
let awaitingEpoch: number | undefined;
let isApplyPending = false;
let renderQueued = false;
const rowElements: HTMLElement[] = [];
/** Scroll position saved by a previous page of this editor, applied once the first rows are known. */
let scrollToRestore = state.scrollTop;

function columns(): Column[] {
  return placed.map((item) => item.column);
}

/** The table keeps at least this much height: below it, charts the user has not asked for fold away. */
const minTableHeight = 200;
let chartsHeight = 0;

/** Folds the charts away (or back); the user's own choice is kept, an automatic one is not. */
function showCharts(isShown: boolean, isChosen: boolean): void {
  if (isChosen) {
    state.chartsHidden = !isShown;
  }
  if (!isShown && !charts.hidden) {
    chartsHeight = charts.offsetHeight;
  }
  charts.hidden = !isShown;
  chartsButton.textContent = isShown ? 'Hide Charts' : 'Show Charts';
  chartsButton.setAttribute('aria-expanded', String(isShown));
}
chartsButton.addEventListener('click', () => {
  showCharts(charts.hidden === true, true);
  saveState();
  scheduleRender();
});

/**
 * On a short editor (a side bar and a panel open, or a small window) the charts would leave the
 * table a few rows: unless the user chose, they fold away, and return when there is room again.
 */
function fitCharts(): void {
  if (state.chartsHidden !== undefined || main.offsetHeight === 0) {
    return;
  }
  if (!charts.hidden && main.offsetHeight < minTableHeight) {
    showCharts(false, false);
  } else if (charts.hidden === true && main.offsetHeight - chartsHeight - 6 >= minTableHeight) {
    showCharts(true, false);
  }
}
new ResizeObserver(() => fitCharts()).observe(main);

function layout(): ColumnLayout {
  return layouts[state.mode] ?? emptyLayout();
}

/** Places the columns from the current layout and sizes the table's grid. */
function placeTable(): void {
  placed = placeColumns(columnsByMode[state.mode], layouts[state.mode], hasInventory, filled);
  canvas.style.setProperty('--columns', gridTemplate(placed));
}

/** Applies a changed layout at once and asks the host to keep it for the user. */
function changeLayout(next: ColumnLayout): void {
  layouts = { ...layouts, [state.mode]: next };
  vscode.postMessage({ type: 'saveColumns', columns: layouts });
  buildHeader();
  if (!columnsMenu.hidden) {
    buildColumnsMenu();
  }
  render();
}

function saveState(): void {
  vscode.setState({ filter: state.filter, sort: state.sort, mode: state.mode, scrollTop: viewport.scrollTop, chartsHidden: state.chartsHidden });
}

function currentQuery(): Query {
  return state.sort === undefined ? { mode: state.mode, filter: state.filter } : { mode: state.mode, filter: state.filter, sort: state.sort };
}

// ---------------------------------------------------------------------------------------------
// Filters

function writeFields(): void {
  const filter = state.filter;
  textField.input.value = filter.text ?? '';
  ipField.input.value = filter.ip ?? '';
  portField.input.value = filter.port ?? '';
  protocolField.input.value = filter.protocols?.length === 1 ? String(filter.protocols[0]) : '';
  directionField.input.value = filter.direction ?? '';
  decisionField.input.value = filter.decision ?? '';
  stateField.input.value = filter.states?.length === 1 ? filter.states[0] : '';
  ensureRuleOption(filter.rule ?? '');
  ruleField.input.value = filter.rule ?? '';
  timeFromField.input.value = filter.timeFrom === undefined ? '' : formatTime(filter.timeFrom);
  timeToField.input.value = filter.timeTo === undefined ? '' : formatTime(filter.timeTo);
  srcIpField.input.value = filter.srcIp ?? '';
  dstIpField.input.value = filter.dstIp ?? '';
}

function ensureRuleOption(rule: string): void {
  if (rule !== '' && ![...ruleSelect.options].some((option) => option.value === rule)) {
    const option = element('option', undefined, rule);
    option.value = rule;
    ruleSelect.append(option);
  }
}

/** Reads the inputs into `state.filter`; values the page itself cannot parse become field problems. */
function readFields(): void {
  const filter: RowFilter = {};
  pageProblems = [];
  const text = textField.input.value.trim();
  if (text !== '') {
    filter.text = text;
  }
  if (ipField.input.value.trim() !== '') {
    filter.ip = ipField.input.value.trim();
  }
  if (portField.input.value.trim() !== '') {
    filter.port = portField.input.value.trim();
  }
  if (srcIpField.input.value.trim() !== '') {
    filter.srcIp = srcIpField.input.value.trim();
  }
  if (dstIpField.input.value.trim() !== '') {
    filter.dstIp = dstIpField.input.value.trim();
  }
  if (protocolField.input.value !== '') {
    filter.protocols = [Number(protocolField.input.value)];
  }
  const direction = directionField.input.value;
  if (direction === 'inbound' || direction === 'outbound') {
    filter.direction = direction;
  }
  const decision = decisionField.input.value;
  if (decision === 'allow' || decision === 'deny') {
    filter.decision = decision;
  }
  const stateValue = stateField.input.value;
  if (stateValue === 'begin' || stateValue === 'continuing' || stateValue === 'end' || stateValue === 'deny' || stateValue === 'none') {
    filter.states = [stateValue];
  }
  if (ruleField.input.value !== '') {
    filter.rule = ruleField.input.value;
  }
  for (const [field, key] of [
    [timeFromField, 'timeFrom'],
    [timeToField, 'timeTo'],
  ] as const) {
    const value = field.input.value.trim();
    if (value === '') {
      continue;
    }
    const time = parseTimeInput(value);
    if (time === undefined) {
      pageProblems.push({ field: key, message: `"${value}" is not a time. Use YYYY-MM-DD HH:MM[:SS] (UTC).` });
    } else {
      filter[key] = time;
    }
  }
  state.filter = filter;
}

function showFieldProblems(): void {
  const all = [...pageProblems, ...filterProblems];
  for (const field of fields) {
    const problem = all.find((item) => item.field === field.key);
    field.error.textContent = problem?.message ?? '';
    field.input.setAttribute('aria-invalid', problem === undefined ? 'false' : 'true');
    field.input.classList.toggle('invalid', problem !== undefined);
  }
}

/**
 * Typing is coalesced rather than delayed: a keystroke queries at once when no query is in flight,
 * otherwise the latest value is queried as soon as the current result arrives.
 */
function onFilterInput(isText: boolean): void {
  clearTimeout(textTimer);
  if (isText && awaitingEpoch !== undefined) {
    isApplyPending = true;
    // A lost reply must not freeze the filters.
    textTimer = setTimeout(applyFilters, stalledQueryMs);
    return;
  }
  applyFilters();
}

function applyFilters(): void {
  clearTimeout(textTimer);
  isApplyPending = false;
  readFields();
  showFieldProblems();
  viewport.scrollTop = 0;
  runQuery();
}

for (const field of fields) {
  const isText = field.input instanceof HTMLInputElement;
  field.input.addEventListener(isText ? 'input' : 'change', () => onFilterInput(isText));
}
filters.addEventListener('submit', (event) => {
  event.preventDefault();
  applyFilters();
});

function clearFilters(): void {
  state.filter = {};
  pageProblems = [];
  writeFields();
  applyFilters();
}
clearButton.addEventListener('click', clearFilters);
emptyClear.addEventListener('click', clearFilters);

function setMode(mode: ViewMode): void {
  if (state.mode !== mode) {
    state.mode = mode;
    if (state.sort?.column === 'duration' && mode === 'tuples') {
      state.sort = undefined;
    }
    closeDetail();
    viewport.scrollTop = 0;
    buildHeader();
    runQuery();
  }
  updateModeButtons();
}
tuplesButton.addEventListener('click', () => setMode('tuples'));
connectionsButton.addEventListener('click', () => setMode('connections'));

function updateModeButtons(): void {
  tuplesButton.setAttribute('aria-checked', String(state.mode === 'tuples'));
  connectionsButton.setAttribute('aria-checked', String(state.mode === 'connections'));
  tuplesButton.classList.toggle('active', state.mode === 'tuples');
  connectionsButton.classList.toggle('active', state.mode === 'connections');
  app.classList.toggle('mode-connections', state.mode === 'connections');
  app.classList.toggle('mode-tuples', state.mode === 'tuples');
}

exportButton.addEventListener('click', () => {
  const format = exportFormat.value as ExportFormat;
  vscode.postMessage({ type: 'export', format, query: currentQuery() });
});

// ---------------------------------------------------------------------------------------------
// Queries and rows

function runQuery(): void {
  epoch++;
  hasResult = false;
  selected = -1;
  blocks.clear();
  pendingBlocks.clear();
  saveState();
  awaitingEpoch = epoch;
  vscode.postMessage({ type: 'query', requestId: ++requestId, epoch, query: currentQuery(), window: firstWindow() });
}

/** The blocks the table will show once the result arrives, asked for with the query. */
function firstWindow(): { offset: number; limit: number } {
  const { first, count } = visibleWindow();
  const start = Math.floor(Math.max(0, first - overscan) / blockSize);
  const end = Math.floor((first + count + overscan) / blockSize);
  for (let block = start; block <= end; block++) {
    pendingBlocks.add(block);
  }
  return { offset: start * blockSize, limit: (end - start + 1) * blockSize };
}

/** Stores rows that arrived for the current epoch, block by block. */
function storeRows(offset: number, rows: ViewRow[]): void {
  for (let start = 0; start < rows.length || start === 0; start += blockSize) {
    const block = Math.floor((offset + start) / blockSize);
    pendingBlocks.delete(block);
    blocks.set(block, rows.slice(start, start + blockSize));
    if (rows.length === 0) {
      break;
    }
  }
}

function requestBlock(block: number): void {
  if (blocks.has(block) || pendingBlocks.has(block)) {
    return;
  }
  pendingBlocks.add(block);
  vscode.postMessage({ type: 'rows', requestId: ++requestId, epoch, offset: block * blockSize, limit: blockSize });
}

function rowAt(position: number): ViewRow | undefined {
  return blocks.get(Math.floor(position / blockSize))?.[position % blockSize];
}

function buildHeader(): void {
  placeTable();
  tableHeader.replaceChildren();
  columns().forEach((column, index) => {
    const cell = element('div', `cell col-${column.kind}`);
    cell.setAttribute('role', 'columnheader');
    cell.setAttribute('aria-colindex', String(index + 1));
    cell.dataset.column = column.id;
    const button = element('button', 'sort', column.label);
    button.type = 'button';
    button.title = column.sort === undefined ? `${column.label} (drag to move)` : `Sort by ${column.label} (drag to move)`;
    const sort = column.sort;
    const sorted = sort !== undefined && state.sort?.column === sort;
    cell.setAttribute('aria-sort', sorted ? (state.sort?.descending ? 'descending' : 'ascending') : 'none');
    if (sorted) {
      button.append(element('span', 'sort-mark', state.sort?.descending ? ' ▼' : ' ▲'));
    }
    if (sort !== undefined) {
      button.addEventListener('click', () => {
        if (state.sort?.column === sort) {
          state.sort = state.sort.descending ? undefined : { column: sort, descending: true };
        } else {
          state.sort = { column: sort, descending: false };
        }
        buildHeader();
        viewport.scrollTop = 0;
        runQuery();
      });
    }
    // Drag a heading onto another to move the column before it.
    cell.draggable = true;
    cell.addEventListener('dragstart', (event) => {
      if (resizing) {
        // A drag on the resize handle resizes; it must not also pick the column up.
        event.preventDefault();
        return;
      }
      event.dataTransfer?.setData('application/x-traffic-lens-column', column.id);
      if (event.dataTransfer !== null) {
        event.dataTransfer.effectAllowed = 'move';
      }
    });
    cell.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes('application/x-traffic-lens-column') === true) {
        event.preventDefault();
        cell.classList.add('drop-target');
      }
    });
    cell.addEventListener('dragleave', () => cell.classList.remove('drop-target'));
    cell.addEventListener('drop', (event) => {
      event.preventDefault();
      cell.classList.remove('drop-target');
      const moved = event.dataTransfer?.getData('application/x-traffic-lens-column') ?? '';
      const known = columnsByMode[state.mode].find((other) => other.id === moved);
      if (known !== undefined && known.id !== column.id) {
        changeLayout(moveColumn(columnsByMode[state.mode], layout(), known.id, column.id));
      }
    });
    const handle = element('div', 'resize-handle');
    handle.setAttribute('role', 'separator');
    handle.setAttribute('aria-orientation', 'vertical');
    handle.setAttribute('aria-label', `Resize ${column.label}`);
    handle.tabIndex = -1;
    handle.addEventListener('pointerdown', (event) => startResize(event, column.id, handle));
    handle.addEventListener('dblclick', () => changeLayout(resizeColumn(layout(), column.id, column.width)));
    cell.append(button, handle);
    tableHeader.append(cell);
  });
  for (const row of rowElements) {
    row.remove();
  }
  rowElements.length = 0;
  viewport.setAttribute('aria-colcount', String(columns().length));
}

/** True while a column's edge is being dragged. */
let resizing = false;

/** Drags a column's right edge: the grid follows the pointer, the layout is saved on release. */
function startResize(event: PointerEvent, id: ColumnId, handle: HTMLElement): void {
  event.preventDefault();
  event.stopPropagation();
  const index = placed.findIndex((item) => item.column.id === id);
  if (index < 0) {
    return;
  }
  resizing = true;
  const startX = event.clientX;
  const startWidth = placed[index].width;
  handle.setPointerCapture(event.pointerId);
  let width = startWidth;
  const move = (moveEvent: PointerEvent): void => {
    width = clampWidth(startWidth + moveEvent.clientX - startX);
    placed[index] = { ...placed[index], width };
    canvas.style.setProperty('--columns', gridTemplate(placed));
  };
  const end = (): void => {
    resizing = false;
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', end);
    handle.removeEventListener('pointercancel', end);
    changeLayout(resizeColumn(layout(), id, width));
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
}

/** The Columns menu: a checkbox per column to show or hide it, and buttons to move it. */
function buildColumnsMenu(): void {
  const all = columnsByMode[state.mode];
  const current = layout();
  const list = element('ul', 'columns-list');
  const ordered = orderedColumns(all, current);
  ordered.forEach((column, index) => {
    const item = element('li', 'columns-item');
    const label = element('label');
    const box = element('input');
    box.type = 'checkbox';
    box.name = `column-${column.id}`;
    // Signed out, a NIC/VM column's box says whether it would show once signed in.
    box.checked = isColumnShown(column, current, true, hasInventory ? filled : new Set([column.id]));
    const needsSignIn = column.needsInventory === true && !hasInventory;
    label.append(box, document.createTextNode(` ${column.label}`));
    if (needsSignIn) {
      label.append(element('span', 'columns-note', ' (when signed in)'));
    } else if (column.needsInventory === true && !filled.has(column.id)) {
      label.append(element('span', 'columns-note', ' (no NIC of this file)'));
    }
    box.addEventListener('change', () => changeLayout(setColumnHidden(all, layout(), column.id, !box.checked)));
    const left = element('button', 'icon', '↑');
    left.type = 'button';
    left.title = `Move ${column.label} left`;
    left.setAttribute('aria-label', left.title);
    left.disabled = index === 0;
    left.addEventListener('click', () => changeLayout(shiftColumn(all, layout(), column.id, -1)));
    const right = element('button', 'icon', '↓');
    right.type = 'button';
    right.title = `Move ${column.label} right`;
    right.setAttribute('aria-label', right.title);
    right.disabled = index === ordered.length - 1;
    right.addEventListener('click', () => changeLayout(shiftColumn(all, layout(), column.id, 1)));
    item.append(label, left, right);
    list.append(item);
  });
  const reset = element('button', 'secondary', 'Reset Columns');
  reset.type = 'button';
  reset.name = 'reset-columns';
  reset.addEventListener('click', () => changeLayout(emptyLayout()));
  const hint = element('p', 'columns-hint', 'Drag a heading to move a column, or its right edge to resize it.');
  columnsMenu.replaceChildren(list, hint, reset);
}

function toggleColumnsMenu(isOpen: boolean): void {
  columnsMenu.hidden = !isOpen;
  columnsButton.setAttribute('aria-expanded', String(isOpen));
  if (isOpen) {
    buildColumnsMenu();
  }
  scheduleRender();
}
columnsButton.addEventListener('click', () => toggleColumnsMenu(columnsMenu.hidden === true));
document.addEventListener('pointerdown', (event) => {
  if (!columnsMenu.hidden && !columnsAnchor.contains(event.target as Node)) {
    toggleColumnsMenu(false);
  }
});
// On the anchor, not the menu: right after a click on Columns… the focus is still on the button.
columnsAnchor.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !columnsMenu.hidden) {
    event.stopPropagation();
    toggleColumnsMenu(false);
    columnsButton.focus();
  }
});

/** Visible positions: the first row and how many, plus the offset of the first row in pixels. */
function visibleWindow(): { first: number; count: number; shift: number } {
  const height = Math.max(0, viewport.clientHeight - headerHeight);
  const count = Math.ceil(height / rowHeight) + 1;
  const fullHeight = total * rowHeight;
  const scrollTop = viewport.scrollTop;
  if (fullHeight <= maxCanvasHeight) {
    return { first: Math.floor(scrollTop / rowHeight), count, shift: scrollTop % rowHeight };
  }
  const maxScroll = Math.max(1, maxCanvasHeight - height);
  const first = Math.floor((Math.min(scrollTop, maxScroll) / maxScroll) * Math.max(0, total - count + 1));
  return { first, count, shift: 0 };
}

function scheduleRender(): void {
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      render();
    });
  }
}

function render(): void {
  const canvasHeight = Math.min(total * rowHeight, maxCanvasHeight) + headerHeight;
  canvas.style.height = `${canvasHeight}px`;
  viewport.setAttribute('aria-rowcount', String(total + 1));
  const showEmpty = hasResult && total === 0 && summary !== undefined && !summary.loading;
  emptyState.hidden = !showEmpty;
  emptyText.textContent = isFilterEmpty(state.filter) && pageProblems.length === 0 ? 'This file has no flow tuples.' : 'No flows match these filters';
  emptyClear.hidden = isFilterEmpty(state.filter) && pageProblems.length === 0;
  if (!hasResult) {
    return;
  }
  const { first, count, shift } = visibleWindow();
  const last = Math.min(total, first + count + overscan);
  const start = Math.max(0, first - overscan);
  for (let block = Math.floor(start / blockSize); block * blockSize < last; block++) {
    requestBlock(block);
  }
  const scrollTop = viewport.scrollTop;
  rowsLayer.style.transform = `translateY(${scrollTop - shift - (first - start) * rowHeight}px)`;
  const needed = last - start;
  const cols = columns();
  while (rowElements.length < needed) {
    const row = element('div', 'row');
    row.setAttribute('role', 'row');
    for (let c = 0; c < cols.length; c++) {
      const cell = element('div', `cell col-${cols[c].kind}`);
      cell.setAttribute('role', 'gridcell');
      row.append(cell);
    }
    rowElements.push(row);
    rowsLayer.append(row);
  }
  for (let i = 0; i < rowElements.length; i++) {
    const rowElement = rowElements[i];
    if (i >= needed) {
      rowElement.hidden = true;
      continue;
    }
    rowElement.hidden = false;
    const position = start + i;
    const data = rowAt(position);
    rowElement.id = `row-${position}`;
    rowElement.setAttribute('aria-rowindex', String(position + 2));
    rowElement.dataset.position = String(position);
    rowElement.classList.toggle('selected', position === selected);
    rowElement.setAttribute('aria-selected', String(position === selected));
    rowElement.classList.toggle('deny', data?.decision === 'deny');
    rowElement.classList.toggle('placeholder', data === undefined);
    const cells = rowElement.children;
    for (let c = 0; c < cols.length; c++) {
      const text = data === undefined ? '' : neutralizeBidi(cols[c].cell(data));
      const cell = cells[c] as HTMLElement;
      if (cell.textContent !== text) {
        cell.textContent = text;
        if (cols[c].hasTitle === true) {
          cell.title = text;
        }
      }
    }
  }
  if (selected >= 0) {
    viewport.setAttribute('aria-activedescendant', `row-${selected}`);
  } else {
    viewport.removeAttribute('aria-activedescendant');
  }
}

function isFilterEmpty(filter: RowFilter): boolean {
  return Object.values(filter).every((value) => value === undefined || value === '' || (Array.isArray(value) && value.length === 0));
}

viewport.addEventListener('scroll', () => {
  scheduleRender();
  saveStateSoon();
});
new ResizeObserver(() => scheduleRender()).observe(viewport);

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveStateSoon(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveState, 200);
}

// ---------------------------------------------------------------------------------------------
// Selection, keyboard and detail

function selectRow(position: number, reveal: boolean): void {
  if (total === 0) {
    return;
  }
  selected = Math.max(0, Math.min(total - 1, position));
  if (reveal) {
    const height = viewport.clientHeight - headerHeight;
    if (total * rowHeight <= maxCanvasHeight) {
      const top = selected * rowHeight;
      if (top < viewport.scrollTop) {
        viewport.scrollTop = top;
      } else if (top + rowHeight > viewport.scrollTop + height) {
        viewport.scrollTop = top + rowHeight - height;
      }
    } else {
      const { first, count } = visibleWindow();
      if (selected < first || selected >= first + count - 1) {
        const maxScroll = Math.max(1, maxCanvasHeight - height);
        viewport.scrollTop = (selected / Math.max(1, total - count + 1)) * maxScroll;
      }
    }
  }
  scheduleRender();
}

viewport.addEventListener('keydown', (event) => {
  const page = Math.max(1, Math.floor((viewport.clientHeight - headerHeight) / rowHeight) - 1);
  switch (event.key) {
    case 'ArrowDown':
      selectRow(selected + 1, true);
      break;
    case 'ArrowUp':
      selectRow(selected < 0 ? 0 : selected - 1, true);
      break;
    case 'PageDown':
      selectRow(selected + page, true);
      break;
    case 'PageUp':
      selectRow(selected - page, true);
      break;
    case 'Home':
      selectRow(0, true);
      break;
    case 'End':
      selectRow(total - 1, true);
      break;
    case 'Enter':
      if (selected >= 0) {
        openDetail(selected);
      }
      break;
    case 'Escape':
      closeDetail();
      break;
    default:
      return;
  }
  event.preventDefault();
});

rowsLayer.addEventListener('click', (event) => {
  const rowElement = (event.target as HTMLElement).closest<HTMLElement>('.row');
  if (rowElement?.dataset.position === undefined) {
    return;
  }
  const position = Number(rowElement.dataset.position);
  selectRow(position, false);
  viewport.focus();
  openDetail(position);
});

function openDetail(position: number): void {
  const data = rowAt(position);
  if (data === undefined) {
    return;
  }
  detailRequest = ++requestId;
  vscode.postMessage({ type: 'detail', requestId: detailRequest, mode: state.mode, id: data.id });
  detailPane.hidden = false;
  detailPane.replaceChildren(element('p', 'detail-loading', 'Loading details…'));
}

function closeDetail(): void {
  detailRequest = -1;
  detailPane.hidden = true;
  detailPane.replaceChildren();
}

function showDetail(detail: RowDetail): void {
  const heading = element('div', 'detail-heading');
  heading.append(element('h2', undefined, state.mode === 'connections' ? 'Connection' : 'Tuple'));
  const close = element('button', 'secondary', 'Close');
  close.type = 'button';
  close.addEventListener('click', () => {
    closeDetail();
    viewport.focus();
  });
  heading.append(close);
  const list = element('dl', 'detail-fields');
  for (const field of detail.fields) {
    const value = element('dd');
    value.append(...breakablePieces(field.value));
    list.append(element('dt', undefined, field.name), value);
  }
  const tupleTitle = element('h3', undefined, detail.rawTuples.length === 1 ? 'Raw tuple' : `Raw tuples (${detail.rawTuples.length})`);
  // The raw text, as the file has it: the one place a control character is not neutralised.
  const tuples = element('pre', 'raw');
  tuples.textContent = detail.rawTuples.join('\n');
  const recordTitle = element('h3', undefined, `Raw record #${detail.recordIndex} (byte ${detail.recordOffset})`);
  const record = element('pre', 'raw raw-record');
  record.textContent = detail.rawRecord;
  detailPane.replaceChildren(heading, list, tupleTitle, tuples, recordTitle, record);
  render();
}

/**
 * A value as text nodes with a line-break opportunity after each `/` and `_`, so a resource ID
 * or rule name that does not fit wraps between its parts rather than inside a word.
 */
function breakablePieces(value: string): Node[] {
  const pieces: Node[] = [];
  for (const part of neutralizeBidi(value).split(/(?<=[/_])/)) {
    if (pieces.length > 0) {
      pieces.push(element('wbr'));
    }
    pieces.push(document.createTextNode(part));
  }
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// Summary, charts and problems

function renderSummary(): void {
  if (summary === undefined) {
    return;
  }
  title.textContent = neutralizeBidi(summary.fileName);
  facts.replaceChildren();
  for (const fact of summaryFacts(summary)) {
    const item = element('div', 'fact');
    const term = element('dt', undefined, fact.label);
    const value = element('dd');
    if (fact.keepRepeated !== undefined) {
      value.append(document.createTextNode(`${fact.value} · `), repeatedRecordsButton(fact.keepRepeated));
    } else if (fact.isProblem === true && summary.problems.length > 0) {
      const button = element('button', 'link', `${fact.value} · ${summary.problems.length} ${summary.problems.length === 1 ? 'problem' : 'problems'}`);
      button.type = 'button';
      button.setAttribute('aria-expanded', String(!problemsPanel.hidden));
      button.addEventListener('click', () => {
        problemsPanel.hidden = !problemsPanel.hidden;
        button.setAttribute('aria-expanded', String(!problemsPanel.hidden));
      });
      value.append(button);
      item.classList.add('has-problems');
    } else {
      value.textContent = neutralizeBidi(fact.value);
    }
    item.append(term, value);
    facts.append(item);
  }
  const fraction = summary.fileBytes > 0 ? Math.min(1, summary.bytesRead / summary.fileBytes) : 0;
  progress.hidden = !summary.loading;
  progressBar.style.width = `${(fraction * 100).toFixed(1)}%`;
  progressText.textContent = `Decoding… ${Math.round(fraction * 100)}% (${formatBytes(summary.bytesRead)} of ${formatBytes(summary.fileBytes)})`;
  progress.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  const hints = timeFilterHints(summary);
  timeFromField.input.setAttribute('placeholder', hints.from);
  timeToField.input.setAttribute('placeholder', hints.to);

  const problems = summary.problems;
  problemsPanel.replaceChildren(element('h2', undefined, `Problems found while decoding (${problems.length})`));
  const list = element('ul', 'problem-list');
  for (const problem of problems) {
    const item = element('li', `problem-${problem.severity}`);
    item.append(element('span', 'problem-severity', problem.severity === 'error' ? 'Error' : 'Warning'), element('span', 'problem-where', problemLocation(problem)), element('span', 'problem-message', problem.message));
    list.append(item);
  }
  problemsPanel.append(list);

  if (summary.notFlowLog !== undefined) {
    showBanner(`This file is not an Azure flow log: ${summary.notFlowLog}`);
  }
}

/**
 * "Keep them" (or "Skip them") next to the count of repeated records: the host decodes the file
 * again and the page starts over as on first open, its filters kept.
 */
function repeatedRecordsButton(keep: boolean): HTMLButtonElement {
  const button = element('button', 'link', keep ? 'Keep them' : 'Skip them');
  button.type = 'button';
  button.name = 'repeated-records';
  button.title = keep
    ? 'Decode the file again keeping records identical to an earlier one, so their tuples count again, as collectors that count every record do'
    : 'Decode the file again skipping records identical to an earlier one, so their tuples count once';
  button.addEventListener('click', () => {
    button.disabled = true;
    vscode.postMessage({ type: 'keepRepeatedRecords', keep });
  });
  return button;
}

function showBanner(message: string): void {
  banner.hidden = false;
  banner.textContent = neutralizeBidi(message);
}

/** One bar of a chart; a click sets (or, when set, clears) the filter it stands for. */
function bar(body: HTMLElement, label: string, value: number, max: number, valueText: string, pick: ChartPick, className = ''): void {
  const row = element('button', `bar-row ${className}`);
  row.type = 'button';
  const isActive = isChartFilterActive(state.filter, pick);
  row.classList.toggle('active', isActive);
  row.setAttribute('aria-pressed', String(isActive));
  row.title = isActive ? `${neutralizeBidi(label)}: click to clear this filter` : `${neutralizeBidi(label)}: click to filter by it`;
  const name = element('span', 'bar-label', label);
  const track = element('span', 'bar-track');
  const fill = element('span', 'bar-fill');
  fill.style.width = `${max > 0 ? Math.max(1, (value / max) * 100) : 0}%`;
  track.append(fill);
  row.append(name, track, element('span', 'bar-value', valueText));
  row.addEventListener('click', () => applyChartPick(pick));
  body.append(row);
}

/** A chart click: the filter fields show what it set, and the view follows. */
function applyChartPick(pick: ChartPick): void {
  setFilters(chartFilterFor(state.filter, pick));
}

/** Sets every filter field at once (a chart click or a brush), as if the user had typed them. */
function setFilters(filter: RowFilter): void {
  state.filter = filter;
  pageProblems = [];
  writeFields();
  closeDetail();
  clearTimeout(textTimer);
  isApplyPending = false;
  showFieldProblems();
  viewport.scrollTop = 0;
  runQuery();
}

function renderCharts(aggregates: ViewAggregates): void {
  lastAggregates = aggregates;
  renderTimeline(aggregates.timeline);
  decisionChart.body.replaceChildren();
  const max = Math.max(aggregates.allowed, aggregates.denied);
  bar(decisionChart.body, 'Allowed', aggregates.allowed, max, formatCount(aggregates.allowed), { kind: 'decision', decision: 'allow' }, 'allow');
  bar(decisionChart.body, 'Denied', aggregates.denied, max, formatCount(aggregates.denied), { kind: 'decision', decision: 'deny' }, 'deny');

  talkersChart.body.replaceChildren();
  talkersChart.body.classList.add('talkers');
  const byBytes = aggregates.topTalkers.some((talker) => talker.bytes > 0);
  const talkerMax = Math.max(0, ...aggregates.topTalkers.map((talker) => (byBytes ? talker.bytes : talker.tuples)));
  for (const talker of aggregates.topTalkers) {
    const value = byBytes ? talker.bytes : talker.tuples;
    bar(talkersChart.body, talker.label, value, talkerMax, byBytes ? formatBytes(talker.bytes) : `${formatCount(talker.tuples)} ${talker.tuples === 1 ? 'tuple' : 'tuples'}`, { kind: 'talker', ip: talker.label });
  }
  if (aggregates.topTalkers.length === 0) {
    talkersChart.body.append(element('p', 'chart-empty', 'No flows'));
  }

  deniedChart.body.replaceChildren();
  const deniedMax = Math.max(0, ...aggregates.topDeniedPorts.map((port) => port.count));
  for (const port of aggregates.topDeniedPorts) {
    bar(deniedChart.body, port.label, port.count, deniedMax, formatCount(port.count), { kind: 'deniedPort', label: port.label }, 'deny');
  }
  if (aggregates.topDeniedPorts.length === 0) {
    deniedChart.body.append(element('p', 'chart-empty', 'No denied flows'));
  }

  const current = ruleSelect.value;
  const known = new Set([...ruleSelect.options].map((option) => option.value));
  for (const rule of aggregates.rules) {
    if (!known.has(rule)) {
      const option = element('option', undefined, rule);
      option.value = rule;
      ruleSelect.append(option);
    }
  }
  ruleSelect.value = current;
  // Decide now, before the table reports what it shows, whether the filled charts leave it room.
  fitCharts();
}

// ---------------------------------------------------------------------------------------------
// Traffic over time: stacked bars per minute, drag across to set the time filter

const svgNs = 'http://www.w3.org/2000/svg';
let currentTimeline: Timeline | undefined;
let brushStart: number | undefined;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, className?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  if (className !== undefined) {
    node.setAttribute('class', className);
  }
  return node;
}

const timePlot = svg('svg', { viewBox: '0 0 100 100', preserveAspectRatio: 'none', role: 'img' }, 'time-plot');
const timeAxis = element('div', 'time-axis');
const timeHint = element('p', 'time-hint', 'Drag across the chart to filter by time (or focus it: arrow keys, Shift to extend, Enter).');
timeChart.body.classList.add('time-body');
timeChart.body.append(timePlot, timeAxis, timeHint);
timeMeasure.addEventListener('change', () => renderTimeline(lastAggregates?.timeline));

function fractionAt(event: PointerEvent): number {
  const box = timePlot.getBoundingClientRect();
  return box.width > 0 ? (event.clientX - box.left) / box.width : 0;
}

function showBrush(from: number, to: number): void {
  timePlot.querySelector('.brush')?.remove();
  const left = Math.max(0, Math.min(from, to)) * 100;
  const right = Math.min(1, Math.max(from, to)) * 100;
  timePlot.append(svg('rect', { x: left, y: 0, width: Math.max(0.3, right - left), height: 100 }, 'brush'));
}

timePlot.addEventListener('pointerdown', (event) => {
  if (currentTimeline === undefined || event.button !== 0) {
    return;
  }
  event.preventDefault();
  timePlot.setPointerCapture(event.pointerId);
  brushStart = fractionAt(event);
  showBrush(brushStart, brushStart);
});
timePlot.addEventListener('pointermove', (event) => {
  if (brushStart !== undefined) {
    showBrush(brushStart, fractionAt(event));
  }
});
timePlot.addEventListener('pointerup', (event) => {
  if (brushStart === undefined || currentTimeline === undefined) {
    return;
  }
  const range = brushRange(currentTimeline, brushStart, fractionAt(event));
  brushStart = undefined;
  setFilters({ ...state.filter, timeFrom: range.timeFrom, timeTo: range.timeTo });
});
timePlot.addEventListener('pointercancel', () => {
  brushStart = undefined;
  renderTimeline(currentTimeline);
});

/** The keyboard's selection on the chart: first and last bar, until Enter applies it. */
let keyRange: { anchor: number; end: number } | undefined;
timePlot.setAttribute('tabindex', '0');
timePlot.addEventListener('keydown', (event) => {
  const timeline = currentTimeline;
  if (timeline === undefined) {
    return;
  }
  const count = timeline.allowedFlows.length;
  switch (event.key) {
    case 'ArrowLeft':
    case 'ArrowRight': {
      const step = event.key === 'ArrowLeft' ? -1 : 1;
      if (keyRange === undefined) {
        const first = step > 0 ? 0 : count - 1;
        keyRange = { anchor: first, end: first };
      } else {
        const end = Math.min(count - 1, Math.max(0, keyRange.end + step));
        keyRange = event.shiftKey ? { anchor: keyRange.anchor, end } : { anchor: end, end };
      }
      showBrush(Math.min(keyRange.anchor, keyRange.end) / count, (Math.max(keyRange.anchor, keyRange.end) + 1) / count);
      break;
    }
    case 'Enter':
      if (keyRange !== undefined) {
        const range = brushRange(timeline, (Math.min(keyRange.anchor, keyRange.end) + 0.5) / count, (Math.max(keyRange.anchor, keyRange.end) + 0.5) / count);
        keyRange = undefined;
        setFilters({ ...state.filter, timeFrom: range.timeFrom, timeTo: range.timeTo });
      }
      break;
    case 'Escape': {
      keyRange = undefined;
      const { timeFrom: _from, timeTo: _to, ...rest } = state.filter;
      setFilters(rest);
      break;
    }
    default:
      return;
  }
  event.preventDefault();
});

function renderTimeline(timeline: Timeline | undefined): void {
  currentTimeline = timeline;
  timeChart.card.hidden = timeline === undefined;
  if (timeline === undefined) {
    return;
  }
  const measure = timeMeasure.value === 'bytes' ? 'bytes' : 'flows';
  const { bars, max } = timelineBars(timeline, measure);
  const width = 100 / Math.max(1, bars.length);
  const gap = bars.length > 1 ? width * 0.15 : 0;
  const children: SVGElement[] = [];
  const from = state.filter.timeFrom;
  const to = state.filter.timeTo;
  if (from !== undefined || to !== undefined) {
    const total = bars.length * timeline.bucketMs;
    const left = from === undefined ? 0 : Math.max(0, (from - timeline.start) / total) * 100;
    const right = to === undefined ? 100 : Math.min(1, (to + 1 - timeline.start) / total) * 100;
    if (right > left) {
      children.push(svg('rect', { x: left, y: 0, width: right - left, height: 100 }, 'time-selected'));
    }
  }
  const unit = measure === 'bytes' ? formatBytes : (value: number): string => formatCount(value);
  const per = timeline.bucketMs === 60_000 ? 'minute' : `${timeline.bucketMs / 60_000} minutes`;
  bars.forEach((item, index) => {
    const group = svg('g', {}, 'time-bar');
    const x = index * width + gap / 2;
    const allowedHeight = (item.allowed / max) * 100;
    const deniedHeight = (item.denied / max) * 100;
    group.append(
      svg('rect', { x, y: 100 - allowedHeight, width: width - gap, height: allowedHeight }, 'time-allowed'),
      svg('rect', { x, y: 100 - allowedHeight - deniedHeight, width: width - gap, height: deniedHeight }, 'time-denied'),
    );
    const tip = svg('title', {});
    tip.textContent = `${formatTime(item.start).slice(0, 16)} (${per}): ${unit(item.allowed)} allowed, ${unit(item.denied)} denied`;
    group.append(tip);
    children.push(group);
  });
  timePlot.replaceChildren(...children);
  timePlot.setAttribute('aria-label', `Traffic over time, ${measure === 'bytes' ? 'bytes' : 'flows'} per ${per}, allowed and denied; the tallest bar is ${unit(max)}`);
  const end = timeline.start + bars.length * timeline.bucketMs;
  const middle = timeline.start + Math.floor(bars.length / 2) * timeline.bucketMs;
  timeAxis.replaceChildren(
    element('span', undefined, formatTime(timeline.start).slice(0, 16)),
    element('span', undefined, formatTime(middle).slice(11, 16)),
    element('span', undefined, formatTime(end).slice(11, 16)),
  );
}

// ---------------------------------------------------------------------------------------------
// Messages from the host

window.addEventListener('message', (event: MessageEvent<HostToView>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      // Also after the host decodes the file again: the rows and their ids are new.
      closeDetail();
      if (message.columns !== undefined) {
        layouts = message.columns;
        buildHeader();
      }
      summary = message.summary;
      lastSummaryTuples = message.summary.tuples;
      renderSummary();
      runQuery();
      return;
    case 'summary': {
      summary = message.summary;
      renderSummary();
      const nowFilled = new Set<ColumnId>([...(summary.ownedEnds?.src === true ? ['srcOwner' as const] : []), ...(summary.ownedEnds?.dst === true ? ['dstOwner' as const] : [])]);
      if ([...nowFilled].join() !== [...filled].join()) {
        filled = nowFilled;
        buildHeader();
        if (!columnsMenu.hidden) {
          buildColumnsMenu();
        }
        render();
      }
      // While loading, re-query as rows arrive; connections are re-joined each time, so less often.
      const interval = state.mode === 'connections' ? 2000 : 250;
      const isDue = Date.now() - lastRefreshAt >= interval;
      if ((message.summary.tuples !== lastSummaryTuples && isDue) || !message.summary.loading) {
        lastSummaryTuples = message.summary.tuples;
        lastRefreshAt = Date.now();
        refreshKeepingScroll();
      }
      return;
    }
    case 'queryResult':
      if (message.epoch === awaitingEpoch || message.epoch === epoch) {
        awaitingEpoch = undefined;
      }
      if (isApplyPending) {
        applyFilters();
        return;
      }
      if (message.epoch !== epoch) {
        return;
      }
      hasResult = true;
      total = message.total;
      if (message.rows !== undefined && message.offset !== undefined) {
        storeRows(message.offset, message.rows);
      } else {
        pendingBlocks.clear();
      }
      filterProblems = message.filterProblems;
      showFieldProblems();
      resultCount.textContent = `${formatCount(total)} ${state.mode === 'connections' ? (total === 1 ? 'connection' : 'connections') : total === 1 ? 'tuple' : 'tuples'}`;
      renderCharts(message.aggregates);
      if (selected >= total) {
        selected = -1;
      }
      render();
      if (scrollToRestore > 0) {
        viewport.scrollTop = scrollToRestore;
        scrollToRestore = 0;
        render();
      }
      return;
    case 'rows': {
      if (message.epoch !== epoch) {
        return;
      }
      storeRows(message.offset, message.rows);
      render();
      return;
    }
    case 'detail':
      if (message.requestId === detailRequest) {
        showDetail(message.detail);
      }
      return;
    case 'problem':
      if (message.requestId !== undefined && message.requestId === detailRequest) {
        detailPane.replaceChildren(element('p', 'detail-error', message.message));
      } else {
        showBanner(message.message);
      }
      return;
    case 'owners': {
      const isFlipped = message.nics > 0 !== hasInventory;
      // Another account added while signed in: the names changed, the columns did not.
      const isRenamed = ownersRevision !== undefined && message.revision !== ownersRevision;
      ownersRevision = message.revision;
      if (isFlipped) {
        hasInventory = message.nics > 0;
        buildHeader();
        if (!columnsMenu.hidden) {
          buildColumnsMenu();
        }
      }
      if (isFlipped || isRenamed) {
        // Rows already shown came without their NICs, or with the old names: ask for them again.
        blocks.clear();
        pendingBlocks.clear();
        refreshKeepingScroll();
      }
      return;
    }
    case 'setFilter':
      state.filter = message.filter;
      pageProblems = [];
      writeFields();
      setMode(message.mode);
      applyFilters();
      return;
    case 'columns':
      layouts = message.columns;
      buildHeader();
      if (!columnsMenu.hidden) {
        buildColumnsMenu();
      }
      render();
      return;
    default:
      assertNever(message);
  }
});

/** New rows arrived while loading: query again without losing the scroll position. */
function refreshKeepingScroll(): void {
  epoch++;
  hasResult = hasResult && total > 0;
  const keep = new Map(blocks);
  blocks.clear();
  pendingBlocks.clear();
  awaitingEpoch = epoch;
  // Keep showing the old rows until the new ones arrive when the order cannot change above them.
  if (state.sort === undefined) {
    for (const [block, rows] of keep) {
      if (rows.length === blockSize) {
        blocks.set(block, rows);
      }
    }
  }
  const window = firstWindow();
  for (const block of keep.keys()) {
    if (blocks.has(block)) {
      pendingBlocks.delete(block);
    }
  }
  vscode.postMessage({ type: 'query', requestId: ++requestId, epoch, query: currentQuery(), window });
}

if (typeof settings.problem === 'string') {
  showBanner(settings.problem);
}
writeFields();
readFields();
updateModeButtons();
showCharts(state.chartsHidden !== true, false);
buildHeader();
vscode.postMessage({ type: 'ready' });
