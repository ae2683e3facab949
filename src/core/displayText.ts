/**
 * Text from logs and Azure as the tree and the viewer show it. Bidirectional control characters
 * (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) would let a name such as
 * `invoice‮gnp.exe` read as `invoiceexe.png`; shown text has each replaced by U+FFFD (�), one
 * character for one, so lengths and offsets stay. Details' raw tuples and records, exports,
 * copied ids and the properties document keep the raw value.
 */

const bidiControls = /[\u202A-\u202E\u2066-\u2069]/g;

/** The marker that stands for a neutralised control character. */
export const bidiMarker = '\uFFFD';

/**
 * `text` with every bidirectional control character replaced by `bidiMarker`.
 *
 *   neutralizeBidi('invoice\u202Egnp.exe') === 'invoice\uFFFDgnp.exe'
 */
export function neutralizeBidi(text: string): string {
  return text.replace(bidiControls, bidiMarker);
}

/** Whether `text` holds a bidirectional control character. */
export function hasBidiControl(text: string): boolean {
  return /[\u202A-\u202E\u2066-\u2069]/.test(text);
}
