/**
 * The dependency map's page: groups and filters the model the host sent (src/core/dependencyMap.ts),
 * lays it out with ForceAtlas2 (graphology) and draws it with sigma.js (WebGL). Beside the
 * graph, a list of the edges (the busiest first) is the keyboard's and screen reader's way in;
 * an edge's "Show Flows" asks the host to open the flows behind it in the flow-log viewer.
 * Every name comes from Azure or the logs: it only ever reaches the DOM as text.
 */
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import Sigma from 'sigma';
import { formatBytes } from '../../src/core/quantities';
import { formatCount, formatTime } from '../../src/flowlogs/displayFormat';
import { groupMap, serviceLabel, type DependencyMapModel, type EndpointKind, type GroupEdge, type GroupedMap, type HostToMap, type MapExportFormat, type MapFilter, type MapGrouping, type MapToHost } from '../../src/core/dependencyMap';

interface VsCodeApi {
  postMessage(message: MapToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

interface PageState {
  grouping: MapGrouping;
  filter: MapFilter;
}

function savedState(): PageState | undefined {
  const value = vscode.getState() as Partial<PageState> | undefined;
  if (value === undefined || typeof value !== 'object' || value === null || typeof value.grouping !== 'string' || typeof value.filter !== 'object' || value.filter === null) {
    return undefined;
  }
  return { grouping: value.grouping, filter: value.filter };
}

let model: DependencyMapModel | undefined;
let canShowFlows = true;
let state: PageState = savedState() ?? { grouping: 'vm', filter: {} };
let grouped: GroupedMap = { nodes: [], edges: [] };
let renderer: Sigma | undefined;
/** Keys of the node or line selected on the graph, drawn highlighted. */
let selectedNode: string | undefined;
let selectedLine: string | undefined;
/** The lines drawn, and for each edge of `grouped` the line it is drawn on. */
let drawn: DrawnEdge[] = [];
let drawnOf = new Int32Array(0);
/** Edge list rows shown at once; the rest are counted. */
const listedEdges = 500;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function option(value: string, label: string): HTMLOptionElement {
  const node = element('option', undefined, label);
  node.value = value;
  return node;
}

const app = element('div', 'map-app');
const header = element('header', 'map-header');
const title = element('h1', 'map-title', 'Dependency map');
const summary = element('p', 'map-summary', 'Waiting for the flows…');
header.append(title, summary);

const controls = element('form', 'map-controls');
controls.setAttribute('aria-label', 'Grouping and filters');
function labelled(label: string, control: HTMLElement): HTMLLabelElement {
  const wrapper = element('label', 'map-field');
  wrapper.append(element('span', 'map-field-label', label), control);
  return wrapper;
}
/** A named select of `[value, label]` options. */
function select(name: string, options: [string, string][]): HTMLSelectElement {
  const node = element('select');
  node.name = name;
  node.append(...options.map(([value, label]) => option(value, label)));
  return node;
}

/** A named text input; `maxLength` is the longest value the host takes for its field. */
function textField(name: string, placeholder: string, maxLength: number): HTMLInputElement {
  const input = element('input');
  input.name = name;
  input.type = 'text';
  input.placeholder = placeholder;
  input.maxLength = maxLength;
  input.spellcheck = false;
  input.autocomplete = 'off';
  return input;
}

const groupingSelect = select('grouping', [['endpoint', 'Address'], ['vm', 'VM'], ['subnet', 'Subnet'], ['vnet', 'Virtual network']]);
const textInput = textField('text', 'name or address', 200);
const decisionSelect = select('decision', [['', 'Any'], ['allow', 'Allowed'], ['deny', 'Denied']]);
const protocolSelect = select('protocol', [['', 'Any'], ['6', 'TCP'], ['17', 'UDP'], ['1', 'ICMP']]);
const portInput = textField('port', '443', 5);
portInput.inputMode = 'numeric';
const portError = element('span', 'map-field-error');
portError.setAttribute('aria-live', 'polite');
const exportSelect = select('format', [['csv', 'CSV edge list'], ['mermaid', 'Mermaid'], ['dot', 'DOT (Graphviz)']]);
exportSelect.setAttribute('aria-label', 'Export format');
const exportButton = element('button', 'secondary', 'Export…');
exportButton.type = 'button';
exportButton.name = 'export';
const portField = labelled('Port', portInput);
portField.append(portError);
controls.append(labelled('Group by', groupingSelect), labelled('Search', textInput), labelled('Decision', decisionSelect), labelled('Protocol', protocolSelect), portField, labelled('Export', exportSelect), exportButton);

const banner = element('div', 'map-banner');
banner.setAttribute('role', 'status');
banner.hidden = true;

const body = element('div', 'map-body');
const canvasBox = element('div', 'map-canvas');
canvasBox.setAttribute('role', 'img');
canvasBox.setAttribute('aria-label', 'Dependency graph; the list of connections beside it has the same edges');
const side = element('aside', 'map-side');
const detail = element('section', 'map-detail');
detail.setAttribute('aria-live', 'polite');
detail.append(element('p', 'map-hint', 'Select a node or an edge to see its figures. Double-click an edge to open its flows.'));
const listTitle = element('h2', 'map-list-title', 'Connections');
const edgeList = element('ol', 'map-edges');
edgeList.setAttribute('aria-label', 'Connections, busiest first');
side.append(detail, listTitle, edgeList);
body.append(canvasBox, side);

const legend = element('p', 'map-legend');
for (const [kind, label] of [
  ['nic', 'VM or NIC'],
  ['subnet', 'Subnet'],
  ['vnet', 'Virtual network'],
  ['azure', 'Azure platform'],
  ['private', 'Private, outside the inventory'],
  ['internet', 'Internet'],
] as const) {
  const item = element('span', `map-legend-item kind-${kind}`, label);
  legend.append(item);
}
const deniedLegend = element('span', 'map-legend-item denied', 'Denied');
legend.append(deniedLegend);

app.append(header, controls, banner, body, legend);
document.body.append(app);

function showBanner(text: string | undefined): void {
  banner.hidden = text === undefined;
  banner.textContent = text ?? '';
}

function writeControls(): void {
  groupingSelect.value = state.grouping;
  textInput.value = state.filter.text ?? '';
  decisionSelect.value = state.filter.decision ?? '';
  protocolSelect.value = state.filter.protocol === undefined ? '' : String(state.filter.protocol);
  portInput.value = state.filter.port === undefined ? '' : String(state.filter.port);
}

function readControls(): void {
  const filter: MapFilter = {};
  const text = textInput.value.trim();
  if (text !== '') {
    filter.text = text;
  }
  if (decisionSelect.value === 'allow' || decisionSelect.value === 'deny') {
    filter.decision = decisionSelect.value;
  }
  if (protocolSelect.value !== '') {
    filter.protocol = Number(protocolSelect.value);
  }
  const port = portInput.value.trim();
  portError.textContent = '';
  portInput.removeAttribute('aria-invalid');
  if (port !== '') {
    if (/^\d{1,5}$/.test(port) && Number(port) <= 65535) {
      filter.port = Number(port);
    } else {
      portError.textContent = `"${port}" is not a port (0–65535).`;
      portInput.setAttribute('aria-invalid', 'true');
    }
  }
  state = { grouping: groupingSelect.value as MapGrouping, filter };
  vscode.setState(state);
}

const allowedColour = '#9ca3af';
const deniedColour = '#dc2626';
const mixedColour = '#ea580c';
const selectedColour = '#2563eb';

const kindColours: Record<EndpointKind, string> = {
  nic: '#3b82f6',
  subnet: '#8b5cf6',
  vnet: '#0ea5e9',
  azure: '#14b8a6',
  private: '#a3a3a3',
  internet: '#f59e0b',
};

function edgeTitle(edge: GroupEdge): string {
  return `${grouped.nodes[edge.source].label} → ${grouped.nodes[edge.target].label} · ${serviceLabel(edge)}`;
}

/** One drawn line per pair of nodes (their services listed on it), so parallel services do not pile up. */
interface DrawnEdge {
  source: number;
  target: number;
  edges: number[];
  connections: number;
  allowed: number;
  denied: number;
}

function drawnEdges(map: GroupedMap): DrawnEdge[] {
  const byPair = new Map<string, DrawnEdge>();
  map.edges.forEach((edge, index) => {
    const key = `${edge.source}>${edge.target}`;
    let drawn = byPair.get(key);
    if (drawn === undefined) {
      drawn = { source: edge.source, target: edge.target, edges: [], connections: 0, allowed: 0, denied: 0 };
      byPair.set(key, drawn);
    }
    drawn.edges.push(index);
    drawn.connections += edge.connections;
    drawn.allowed += edge.allowed;
    drawn.denied += edge.denied;
  });
  return [...byPair.values()];
}

/** Nodes a big map labels before any is selected: its busiest. */
const labelledNodes = 40;

/**
 * The graph to draw: one node per group, one line per pair of groups, placed by ForceAtlas2 from a
 * deterministic start (a circle), so the same map looks the same each time.
 */
function layoutGraph(map: GroupedMap, lines: DrawnEdge[], big: boolean): Graph {
  const graphModel = new Graph({ type: 'directed', multi: false, allowSelfLoops: false });
  const count = map.nodes.length;
  const degree = new Float64Array(count);
  for (const line of lines) {
    degree[line.source] += line.connections;
    degree[line.target] += line.connections;
  }
  // Labels: every node of a small map; the busiest of a big one (and whichever is selected).
  const labelled = new Set(count <= labelledNodes * 4 ? map.nodes.keys() : [...degree.keys()].sort((a, b) => degree[b] - degree[a]).slice(0, labelledNodes));
  map.nodes.forEach((node, index) => {
    const angle = (2 * Math.PI * index) / Math.max(1, count);
    graphModel.addNode(String(index), {
      x: Math.cos(angle) * 100,
      y: Math.sin(angle) * 100,
      size: big ? 2 + Math.min(5, Math.log10(1 + degree[index])) : 4 + Math.min(8, Math.log10(1 + degree[index]) * 2),
      color: kindColours[node.kind],
      label: node.detail === undefined ? node.label : `${node.label} · ${node.detail}`,
      forceLabel: labelled.has(index),
    });
  });
  lines.forEach((line, index) => {
    if (line.source === line.target) {
      // A node's traffic with itself (a VM over loopback, a subnet within itself) is in the list and
      // the node's details; drawn, it would be a point, and it would throw the layout's forces off.
      return;
    }
    graphModel.addDirectedEdgeWithKey(String(index), String(line.source), String(line.target), {
      size: 0.5 + Math.min(4, Math.log10(1 + line.connections)),
      color: line.allowed === 0 && line.denied > 0 ? deniedColour : line.denied > 0 ? mixedColour : allowedColour,
    });
  });
  if (count > 1) {
    const settings = forceAtlas2.inferSettings(graphModel);
    // Barnes-Hut keeps each iteration near n·log n; fewer iterations on big maps keep the first draw quick.
    forceAtlas2.assign(graphModel, { iterations: count > 1000 ? 50 : count > 200 ? 120 : 250, settings: { ...settings, barnesHutOptimize: count > 200, adjustSizes: false } });
  }
  return graphModel;
}

function draw(): void {
  if (model === undefined) {
    return;
  }
  grouped = groupMap(model, state.grouping, state.filter);
  drawn = drawnEdges(grouped);
  drawnOf = new Int32Array(grouped.edges.length);
  drawn.forEach((line, index) => line.edges.forEach((edge) => (drawnOf[edge] = index)));
  const big = grouped.nodes.length > 300 || drawn.length > 3000;
  const graphModel = layoutGraph(grouped, drawn, big);
  renderer?.kill();
  selectedNode = undefined;
  selectedLine = undefined;
  // WebGL: tens of thousands of lines draw in a frame; labels go to a canvas of their own.
  renderer = new Sigma(graphModel, canvasBox, {
    allowInvalidContainer: true,
    // Room for the labels, which sit to the right of their nodes.
    stagePadding: 70,
    defaultEdgeType: big ? 'line' : 'arrow',
    // Clicking a line needs a second, picking pass over every line: a big map draws first and
    // turns it on when the pointer first comes over the graph.
    enableEdgeEvents: !big,
    hideEdgesOnMove: big,
    labelColor: { color: labelColour() },
    labelSize: 11,
    labelRenderedSizeThreshold: big ? 8 : 0,
    zIndex: true,
    nodeReducer: (node, data) => (node === selectedNode ? { ...data, highlighted: true, forceLabel: true, zIndex: 1 } : data),
    edgeReducer: (edge, data) => (edge === selectedLine ? { ...data, color: selectedColour, size: Math.max(2, (data.size as number) * 1.5), zIndex: 1 } : data),
  });
  if (big) {
    const drawnBy = renderer;
    canvasBox.addEventListener('pointerenter', () => drawnBy.setSetting('enableEdgeEvents', true), { once: true });
  }
  renderer.on('clickNode', ({ node }) => {
    selectedNode = node;
    selectedLine = undefined;
    renderer?.refresh();
    showNode(Number(node));
  });
  renderer.on('clickEdge', ({ edge }) => {
    selectedLine = edge;
    selectedNode = undefined;
    renderer?.refresh();
    showDrawn(drawn[Number(edge)]);
  });
  renderer.on('doubleClickEdge', (event) => {
    event.preventSigmaDefault();
    if (canShowFlows) {
      openEdge(busiest(drawn[Number(event.edge)].edges));
    }
  });
  renderSummary();
  renderList();
}

/** Labels in the theme's secondary text colour (a canvas cannot use CSS variables). */
function labelColour(): string {
  return getComputedStyle(document.body).getPropertyValue('--vscode-descriptionForeground').trim() || '#666';
}

/** Highlights the line an edge of the list is drawn on (the view stays where the user put it) and shows its services. */
function selectEdge(index: number): void {
  const line = drawnOf[index];
  selectedLine = String(line);
  selectedNode = undefined;
  renderer?.refresh();
  showDrawn(drawn[line]);
}

function busiest(edges: number[]): number {
  return edges.reduce((best, index) => (grouped.edges[index].connections > grouped.edges[best].connections ? index : best), edges[0]);
}

function renderSummary(): void {
  if (model === undefined) {
    return;
  }
  title.textContent = `Dependency map: ${model.source}`;
  const parts = [
    `${formatCount(grouped.nodes.length)} ${grouped.nodes.length === 1 ? 'node' : 'nodes'}`,
    `${formatCount(grouped.edges.length)} ${grouped.edges.length === 1 ? 'connection' : 'connections'} by service`,
    `from ${formatCount(model.tuples)} ${model.tuples === 1 ? 'tuple' : 'tuples'}`,
  ];
  if (!model.named) {
    parts.push('sign in to name addresses by their NIC, VM, subnet and network');
  }
  summary.textContent = parts.join(' · ');
}

function figures(edge: { connections: number; allowed: number; denied: number; bytes: number; packets: number }): HTMLElement {
  const list = element('dl', 'map-figures');
  const add = (term: string, value: string): void => {
    list.append(element('dt', undefined, term), element('dd', undefined, value));
  };
  add('Connections', formatCount(edge.connections));
  add('Allowed', formatCount(edge.allowed));
  add('Denied', formatCount(edge.denied));
  add('Bytes', formatBytes(edge.bytes));
  add('Packets', formatCount(edge.packets));
  return list;
}

function showFlowsButton(edge: number): HTMLButtonElement | string {
  if (!canShowFlows) {
    return '';
  }
  const button = element('button', 'map-show-flows', 'Show Flows');
  button.type = 'button';
  button.title = 'Open these flows in the flow-log viewer';
  button.addEventListener('click', () => openEdge(edge));
  return button;
}

function showNode(index: number): void {
  const node = grouped.nodes[index];
  const heading = element('h2', undefined, node.label);
  const lines = [element('p', 'map-kind', node.detail === undefined ? kindLabel(node.kind) : `${kindLabel(node.kind)} · ${node.detail}`)];
  const shown = node.addresses.slice(0, 20).join(', ');
  lines.push(element('p', 'map-addresses', node.addresses.length > 20 ? `${shown} and ${node.addresses.length - 20} more` : shown));
  const outgoing = grouped.edges.filter((edge) => edge.source === index).length;
  const incoming = grouped.edges.filter((edge) => edge.target === index).length;
  lines.push(element('p', undefined, `${outgoing} outgoing and ${incoming} incoming services`));
  detail.replaceChildren(heading, ...lines);
}

function kindLabel(kind: EndpointKind): string {
  switch (kind) {
    case 'nic':
      return 'VM or NIC';
    case 'subnet':
      return 'Subnet';
    case 'vnet':
      return 'Virtual network';
    case 'azure':
      return 'Azure platform address';
    case 'private':
      return 'Private address outside the inventory';
    case 'internet':
      return 'Internet';
  }
}

function showDrawn(drawn: DrawnEdge): void {
  const heading = element('h2', undefined, `${grouped.nodes[drawn.source].label} → ${grouped.nodes[drawn.target].label}`);
  const services = element('ul', 'map-services');
  for (const index of [...drawn.edges].sort((a, b) => grouped.edges[b].connections - grouped.edges[a].connections)) {
    services.append(serviceItem(index));
  }
  detail.replaceChildren(heading, services);
}

function serviceItem(index: number): HTMLLIElement {
  const edge = grouped.edges[index];
  const item = element('li', edge.allowed === 0 && edge.denied > 0 ? 'map-service denied' : 'map-service');
  item.append(element('strong', undefined, serviceLabel(edge)), figures(edge));
  if (edge.processes.length > 0) {
    item.append(element('p', 'map-processes', `Processes: ${edge.processes.join(', ')}`));
  }
  item.append(element('p', 'map-seen', `${formatTime(edge.firstSeen)} – ${formatTime(edge.lastSeen)} UTC`), showFlowsButton(index));
  return item;
}

function renderList(): void {
  const order = grouped.edges.map((_, index) => index).sort((a, b) => grouped.edges[b].connections - grouped.edges[a].connections || grouped.edges[b].bytes - grouped.edges[a].bytes);
  const items = order.slice(0, listedEdges).map((index) => {
    const edge = grouped.edges[index];
    const item = element('li', edge.allowed === 0 && edge.denied > 0 ? 'map-edge denied' : 'map-edge');
    const name = element('button', 'map-edge-name link', edgeTitle(edge));
    name.type = 'button';
    name.title = 'Show it on the graph';
    name.addEventListener('click', () => selectEdge(index));
    const count = element('span', 'map-edge-count', `${formatCount(edge.connections)} conn.${edge.denied > 0 ? `, ${formatCount(edge.denied)} denied` : ''}${edge.processes.length > 0 ? ` · ${edge.processes.join(', ')}` : ''}`);
    item.append(name, count, showFlowsButton(index));
    return item;
  });
  edgeList.replaceChildren(...items);
  listTitle.textContent = order.length > listedEdges ? `Connections (the busiest ${listedEdges} of ${formatCount(order.length)})` : 'Connections';
  if (order.length === 0) {
    edgeList.replaceChildren(element('li', 'map-empty', model !== undefined && model.edges.length > 0 ? 'No connections match the filters.' : 'No flows to map.'));
  }
}

function openEdge(edge: number): void {
  vscode.postMessage({ type: 'openEdge', grouping: state.grouping, filter: state.filter, edge });
}

let redrawTimer: ReturnType<typeof setTimeout> | undefined;
function onControlsChanged(delay: number): void {
  clearTimeout(redrawTimer);
  redrawTimer = setTimeout(() => {
    readControls();
    draw();
  }, delay);
}
groupingSelect.addEventListener('change', () => onControlsChanged(0));
decisionSelect.addEventListener('change', () => onControlsChanged(0));
protocolSelect.addEventListener('change', () => onControlsChanged(0));
textInput.addEventListener('input', () => onControlsChanged(250));
portInput.addEventListener('input', () => onControlsChanged(250));
controls.addEventListener('submit', (event) => {
  event.preventDefault();
  onControlsChanged(0);
});
exportButton.addEventListener('click', () => {
  readControls();
  vscode.postMessage({ type: 'export', format: exportSelect.value as MapExportFormat, grouping: state.grouping, filter: state.filter });
});

window.addEventListener('message', (event: MessageEvent<HostToMap>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      model = message.model;
      canShowFlows = message.canShowFlows;
      detail.replaceChildren(element('p', 'map-hint', canShowFlows ? 'Select a node or an edge to see its figures. Double-click an edge to open its flows.' : 'Select a node or an edge to see its figures and processes.'));
      if (savedState() === undefined) {
        state = { grouping: message.grouping, filter: {} };
      }
      writeControls();
      showBanner(undefined);
      draw();
      return;
    case 'exported':
      showBanner(undefined);
      return;
    case 'problem':
      showBanner(message.message);
      return;
  }
});

writeControls();
vscode.postMessage({ type: 'ready' });
