/**
 * Messages between the flow-log viewer's probe (flowLogProbe.ts, a script the tests add to the
 * page) and the test side: the integration suites (through the extension's viewer add-on seam)
 * and the filter benchmark. No `vscode` or DOM types here.
 */
import type { FilterProblemView, RowFilter, ViewMode } from '../../src/core/viewerProtocol';

/** What the page shows once a query's rows are on screen, read back from the DOM. */
export interface RenderedReport {
  /** The page's query counter: the `epoch` of the query whose result is shown. */
  epoch: number;
  mode: ViewMode;
  /** Rows matching the current filters. */
  total: number;
  /** Column headings, in order. */
  columns: string[];
  /** The visible rows' cell texts, top to bottom. */
  rows: string[][];
  /** Messages shown next to filter fields. */
  filterProblems: FilterProblemView[];
  /** The summary header's text. */
  summary: string;
  /** True while the file is still being decoded. */
  loading: boolean;
  /** Placeholder of each filter input, by field name (`timeFrom`, `text`, …). */
  placeholders?: Record<string, string>;
  /** The page's width in CSS pixels. */
  viewWidth?: number;
  /** Chart labels that do not fit their column (cut off with an ellipsis). */
  clippedLabels?: string[];
  /** The open detail pane's fields as shown; `lines` is how many lines the value takes. */
  detail?: RenderedDetailField[];
  /** What each filter input shows, by field name (`ip`, `timeFrom`, …); empty fields left out. */
  fieldValues?: Record<string, string>;
  /** Labels of the chart bars whose filter is set. */
  activeBars?: string[];
  /** Bars drawn in the traffic-over-time chart. */
  timeBars?: number;
  /** How much wider the table is than its viewport, in CSS pixels (0 when every column fits). */
  tableOverflow?: number;
  /** False while the charts are folded away. */
  chartsShown?: boolean;
  /** The table's height in CSS pixels. */
  tableHeight?: number;
  /** Each column's width in CSS pixels, in the order of `columns`. */
  columnWidths?: number[];
  /** The width of the table's visible part in CSS pixels (without its scroll bar). */
  tableWidth?: number;
  /** True while the Columns menu is open. */
  columnsMenuOpen?: boolean;
  /** Class of the element that has the focus, empty when none does. */
  focused?: string;
}

export interface RenderedDetailField {
  name: string;
  value: string;
  lines: number;
}

/** From the probe: it is listening (sent again whenever the page loads again), or what the page shows. */
export type ProbeToHost = { probe: 'ready' } | { probe: 'rendered'; report: RenderedReport };

/**
 * To the probe: type a filter into the page's fields and submit it (then switch to `mode`), or
 * open a row's details from the keyboard, as a person would.
 */
export type HostToProbe = { probe: 'setFilter'; filter: RowFilter; mode?: ViewMode } | { probe: 'openDetail'; position: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isProbeToHost(value: unknown): value is ProbeToHost {
  return isRecord(value) && (value.probe === 'ready' || (value.probe === 'rendered' && isRecord(value.report)));
}

export function isHostToProbe(value: unknown): value is HostToProbe {
  return isRecord(value) && ((value.probe === 'setFilter' && isRecord(value.filter)) || (value.probe === 'openDetail' && typeof value.position === 'number'));
}
