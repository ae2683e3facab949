import * as assert from 'node:assert/strict';
import { clampWidth, emptyLayout, gridTemplate, moveColumn, orderedColumns, placeColumns, resizeColumn, setColumnHidden, shiftColumn } from '../../../media/flowlogs/columnLayout';
import { columnsByMode } from '../../../media/flowlogs/format';
import type { ColumnLayout } from '../../../src/webview/protocol';

const tuples = columnsByMode.tuples;
const ids = (layout: ColumnLayout | undefined, hasInventory = true): string[] => placeColumns(tuples, layout, hasInventory).map((placed) => placed.column.id);

describe('column layout', () => {
  it('shows every column in the default order, the NIC/VM columns only with an inventory', () => {
    assert.deepEqual(ids(undefined), tuples.map((column) => column.id));
    assert.deepEqual(ids(undefined, false), ['time', 'srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol', 'direction', 'decision', 'state', 'rule', 'packets', 'bytes']);
  });

  it('keeps the default columns narrow: time, both endpoints, protocol, direction and decision within the 790 px left next to a side bar', () => {
    const placed = placeColumns(tuples, undefined, false);
    const first = placed.slice(0, placed.findIndex((item) => item.column.id === 'decision') + 1);
    const width = first.reduce((sum, item) => sum + item.width, 0);
    assert.ok(width <= 790, `the first ${first.length} columns take ${width} px`);
    const all = placed.reduce((sum, item) => sum + item.width, 0);
    assert.ok(all < 1420, `all columns take ${all} px, less than the 1420 px before`);
  });

  it('hides and shows a column, keeping at least one', () => {
    const hidden = setColumnHidden(tuples, emptyLayout(), 'srcPort', true);
    assert.equal(ids(hidden).includes('srcPort'), false);
    assert.equal(ids(setColumnHidden(tuples, hidden, 'srcPort', false)).includes('srcPort'), true);
    let all = emptyLayout();
    for (const column of tuples) {
      all = setColumnHidden(tuples, all, column.id, true);
    }
    assert.equal(ids(all).length, 1, 'the last column cannot be hidden');
  });

  it('moves a column before another, to the end, and one place at a time', () => {
    const moved = moveColumn(tuples, emptyLayout(), 'rule', 'srcIp');
    assert.deepEqual(ids(moved).slice(0, 3), ['time', 'rule', 'srcIp']);
    assert.equal(ids(moveColumn(tuples, emptyLayout(), 'time', undefined)).at(-1), 'time');
    assert.deepEqual(ids(shiftColumn(tuples, emptyLayout(), 'srcIp', -1)).slice(0, 2), ['srcIp', 'time']);
    assert.deepEqual(shiftColumn(tuples, emptyLayout(), 'time', -1), emptyLayout(), 'the first column cannot move further left');
  });

  it('resizes within bounds and writes the grid template', () => {
    const layout = resizeColumn(resizeColumn(emptyLayout(), 'time', 10), 'rule', 333.4);
    const placed = placeColumns(tuples, layout, false);
    assert.equal(placed[0].width, clampWidth(10));
    assert.equal(placed[0].width, 40);
    assert.equal(placed.find((item) => item.column.id === 'rule')?.width, 333);
    assert.match(gridTemplate(placed), /^40px 120px /);
  });

  it('keeps a saved order when a newer version adds columns: they join after their default neighbour', () => {
    const saved: ColumnLayout = { order: ['rule', 'time', 'srcIp', 'dstIp'], hidden: [], widths: {} };
    const order = orderedColumns(tuples, saved).map((column) => column.id);
    assert.deepEqual(order.slice(0, 4), ['rule', 'packets', 'bytes', 'time']);
    assert.equal(order.indexOf('srcOwner'), order.indexOf('srcIp') + 1);
    assert.equal(order.length, tuples.length);
  });

  it('uses the same layout shape for connections, which have a Duration column', () => {
    const connections = columnsByMode.connections;
    const layout = setColumnHidden(connections, emptyLayout(), 'duration', true);
    assert.equal(placeColumns(connections, layout, false).some((placed) => placed.column.id === 'duration'), false);
  });
});
