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

  it('defaults to columns narrower than before that still show an IPv4 address and a time whole', () => {
    const placed = placeColumns(tuples, undefined, false);
    const all = placed.reduce((sum, item) => sum + item.width, 0);
    assert.ok(all < 1420, `all columns take ${all} px, less than the 1420 px before`);
    const widthOf = (id: string): number => placed.find((item) => item.column.id === id)?.width ?? 0;
    // 15 and 23 characters of about 8.4 px in the editor font, plus 12 px of padding.
    assert.ok(widthOf('srcIp') >= 15 * 8.4 + 12 && widthOf('dstIp') >= 15 * 8.4 + 12);
    assert.ok(widthOf('time') >= 23 * 8.4 + 12);
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
    assert.match(gridTemplate(placed), /^40px 140px /);
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
