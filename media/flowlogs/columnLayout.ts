/**
 * The table's column layout: which columns show, in which order, how wide. Pure: the page keeps
 * one layout per mode and sends it to the host, which keeps it for the user (globalState).
 */
import type { ColumnId, ColumnLayout } from '../../src/core/viewerProtocol';
import type { Column } from './format';

export const minColumnWidth = 40;
export const maxColumnWidth = 1200;

/** A column as the table shows it, with its width. */
export interface PlacedColumn {
  column: Column;
  width: number;
}

export function emptyLayout(): ColumnLayout {
  return { order: [], hidden: [], widths: {} };
}

/**
 * Whether `column` shows: never a column that needs the inventory while `hasInventory` is false;
 * else as the user chose in the layout (hidden, or shown); else columns hidden by default do not
 * show, and a NIC/VM column shows only when some row of the file names a NIC there (`filled`).
 */
export function isColumnShown(column: Column, layout: ColumnLayout | undefined, hasInventory: boolean, filled: ReadonlySet<ColumnId>): boolean {
  if (column.needsInventory === true && !hasInventory) {
    return false;
  }
  if (layout?.hidden.includes(column.id) === true) {
    return false;
  }
  if (layout?.shown?.includes(column.id) === true) {
    return true;
  }
  return column.hiddenByDefault !== true && (column.needsInventory !== true || filled.has(column.id));
}

/**
 * The columns to show, in order: the layout's order first (ids it names that the mode has), then
 * columns the layout does not know yet where they stand in the default order; see isColumnShown
 * for which show. `filled` defaults to every column (as if each NIC/VM column had a NIC).
 */
export function placeColumns(all: readonly Column[], layout: ColumnLayout | undefined, hasInventory: boolean, filled: ReadonlySet<ColumnId> = new Set(all.map((column) => column.id))): PlacedColumn[] {
  return orderedColumns(all, layout)
    .filter((column) => isColumnShown(column, layout, hasInventory, filled))
    .map((column) => ({ column, width: clampWidth(layout?.widths[column.id] ?? column.width) }));
}

/** Every column of the mode in the layout's order (hidden ones too), for the Columns menu. */
export function orderedColumns(all: readonly Column[], layout: ColumnLayout | undefined): Column[] {
  const byId = new Map(all.map((column) => [column.id, column]));
  const ordered: Column[] = [];
  for (const id of layout?.order ?? []) {
    const column = byId.get(id);
    if (column !== undefined && !ordered.includes(column)) {
      ordered.push(column);
    }
  }
  // A column the saved order does not name goes after its nearest named predecessor in the default order.
  all.forEach((column, index) => {
    if (ordered.includes(column)) {
      return;
    }
    let at = 0;
    for (let before = index - 1; before >= 0; before--) {
      const found = ordered.indexOf(all[before]);
      if (found >= 0) {
        at = found + 1;
        break;
      }
    }
    ordered.splice(at, 0, column);
  });
  return ordered;
}

export function clampWidth(width: number): number {
  return Math.round(Math.min(maxColumnWidth, Math.max(minColumnWidth, width)));
}

/**
 * The layout with `id` hidden or shown, as the user chose: a column shown this way shows even when
 * it is hidden by default or has nothing to show. At least one column always stays visible.
 */
export function setColumnHidden(all: readonly Column[], layout: ColumnLayout, id: ColumnId, isHidden: boolean): ColumnLayout {
  const hidden = layout.hidden.filter((other) => other !== id);
  const shown = (layout.shown ?? []).filter((other) => other !== id);
  if (isHidden) {
    hidden.push(id);
    if (all.every((column) => hidden.includes(column.id) || column.hiddenByDefault === true)) {
      return layout;
    }
  } else {
    shown.push(id);
  }
  return { ...layout, order: orderedColumns(all, layout).map((column) => column.id), hidden, shown };
}

/** The layout with `id` moved to stand before `beforeId` (or last when `beforeId` is undefined). */
export function moveColumn(all: readonly Column[], layout: ColumnLayout, id: ColumnId, beforeId: ColumnId | undefined): ColumnLayout {
  const order = orderedColumns(all, layout).map((column) => column.id).filter((other) => other !== id);
  const at = beforeId === undefined ? -1 : order.indexOf(beforeId);
  order.splice(at < 0 ? order.length : at, 0, id);
  return { ...layout, order };
}

/** The layout with `id` moved one place left (`-1`) or right (`+1`) among all columns. */
export function shiftColumn(all: readonly Column[], layout: ColumnLayout, id: ColumnId, step: -1 | 1): ColumnLayout {
  const order = orderedColumns(all, layout).map((column) => column.id);
  const from = order.indexOf(id);
  const to = from + step;
  if (from < 0 || to < 0 || to >= order.length) {
    return layout;
  }
  [order[from], order[to]] = [order[to], order[from]];
  return { ...layout, order };
}

export function resizeColumn(layout: ColumnLayout, id: ColumnId, width: number): ColumnLayout {
  return { ...layout, widths: { ...layout.widths, [id]: clampWidth(width) } };
}

/** CSS `grid-template-columns` of the placed columns: `190px 120px …`. */
export function gridTemplate(columns: readonly PlacedColumn[]): string {
  return columns.map((placed) => `${placed.width}px`).join(' ');
}
