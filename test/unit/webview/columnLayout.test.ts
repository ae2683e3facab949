import * as assert from 'node:assert/strict';
import { clampWidth, emptyLayout, gridTemplate, isColumnShown, moveColumn, orderedColumns, placeColumns, resizeColumn, setColumnHidden, shiftColumn } from '../../../media/flowlogs/columnLayout';
import { columnsByMode } from '../../../media/flowlogs/format';
import type { ColumnId, ColumnLayout } from '../../../src/core/viewerProtocol';

const tuples = columnsByMode.tuples;
const ids = (layout: ColumnLayout | undefined, hasInventory = true): string[] => placeColumns(tuples, layout, hasInventory).map((placed) => placed.column.id);

describe('column layout', () => {
  it('shows every column in the default order, the NIC/VM columns only with an inventory', () => {
    assert.deepEqual(ids(undefined), tuples.filter((column) => column.hiddenByDefault !== true).map((column) => column.id));
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

  it('shows a NIC/VM column only when a row of the file names a NIC there, unless the user chose to show it', () => {
    const placedIds = (layout: ColumnLayout | undefined, filled: ColumnId[]): string[] => placeColumns(tuples, layout, true, new Set(filled)).map((placed) => placed.column.id);
    assert.equal(placedIds(undefined, []).some((id) => id === 'srcOwner' || id === 'dstOwner'), false, 'no NIC of the file is known: neither column');
    assert.deepEqual(
      placedIds(undefined, ['dstOwner']).filter((id) => id.endsWith('Owner')),
      ['dstOwner'],
    );
    const shown = setColumnHidden(tuples, emptyLayout(), 'srcOwner', false);
    assert.equal(placedIds(shown, []).includes('srcOwner'), true, 'shown in Columns… it shows empty too');
    assert.equal(placeColumns(tuples, shown, false, new Set()).some((placed) => placed.column.id === 'srcOwner'), false, 'but never signed out');
    const hidden = setColumnHidden(tuples, shown, 'srcOwner', true);
    assert.equal(placedIds(hidden, ['srcOwner']).includes('srcOwner'), false, 'hidden again it stays hidden with names');
    const srcOwner = tuples.find((column) => column.id === 'srcOwner');
    assert.ok(srcOwner !== undefined && isColumnShown(srcOwner, undefined, true, new Set(['srcOwner'])));
  });

  it('leaves NIC/VM columns narrow enough that time, both ends, protocol, direction and decision fit 1,040 px', () => {
    const placed = placeColumns(tuples, undefined, true);
    const decision = placed.findIndex((item) => item.column.id === 'decision');
    const right = placed.slice(0, decision + 1).reduce((sum, item) => sum + item.width, 0);
    assert.ok(right <= 1040, `the Decision column ends at ${right} px`);
    assert.ok(placed.filter((item) => item.column.needsInventory === true).every((item) => item.column.hasTitle === true), 'cut names are whole in the tooltip');
  });

  it('offers the MAC column in the menu, hidden until the user shows it', () => {
    assert.ok(orderedColumns(tuples, undefined).some((column) => column.id === 'mac'));
    assert.equal(ids(undefined).includes('mac'), false);
    assert.equal(ids(setColumnHidden(tuples, emptyLayout(), 'mac', false)).includes('mac'), true);
    assert.equal(ids(setColumnHidden(columnsByMode.connections, emptyLayout(), 'mac', false)).includes('mac'), true);
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
    assert.deepEqual(order.slice(0, 5), ['rule', 'packets', 'bytes', 'mac', 'time']);
    assert.equal(order.indexOf('srcOwner'), order.indexOf('srcIp') + 1);
    assert.equal(order.length, tuples.length);
  });

  it('uses the same layout shape for connections, which have a Duration column', () => {
    const connections = columnsByMode.connections;
    const layout = setColumnHidden(connections, emptyLayout(), 'duration', true);
    assert.equal(placeColumns(connections, layout, false).some((placed) => placed.column.id === 'duration'), false);
  });
});
