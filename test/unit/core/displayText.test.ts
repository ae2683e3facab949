import assert from 'node:assert/strict';
import { bidiMarker, hasBidiControl, neutralizeBidi } from '../../../src/core/displayText';

describe('neutralizeBidi', () => {
  it('replaces each embedding, override and isolate control with the marker, one for one', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const control of controls) {
      const shown = neutralizeBidi(`invoice${control}gnp.exe`);
      assert.equal(shown, `invoice${bidiMarker}gnp.exe`, `U+${control.charCodeAt(0).toString(16)}`);
      assert.equal(hasBidiControl(shown), false);
    }
    assert.equal(neutralizeBidi(controls.join('x')).length, controls.join('x').length);
  });

  it('leaves other text alone, right-to-left letters and neighbouring format characters included', () => {
    for (const text of ['nic-web-01', 'שלום / مرحبا', 'a\u200Eb\u200Fc', 'zero\u200Bwidth', '\u2029', '\u2065', '\u206A', '']) {
      assert.equal(neutralizeBidi(text), text);
      assert.equal(hasBidiControl(text), false);
    }
  });
});
