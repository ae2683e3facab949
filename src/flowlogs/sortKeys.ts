/**
 * Stable sorts of row numbers by numeric keys, shared by the query engine and the Connections
 * join: small integer keys in one native Float64Array sort, others by an LSD radix sort of their bits.
 */
const compositeRange = 2 ** 20;
const lowWord = 2 ** 32;

/**
 * Stable sort of `index` by `keys` (keys[i] belongs to index[i]; `keys` is overwritten). Small integer keys sort as one
 * native Float64Array sort of key·2³²+position; other keys go through a radix sort of their bits.
 */
export function sortByKeys(index: Uint32Array, keys: Float64Array, descending: boolean): Uint32Array {
  const count = index.length;
  if (count < 2) {
    return index.slice();
  }
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < count; i++) {
    let key = keys[i];
    if (Number.isNaN(key)) {
      key = keys[i] = -Infinity;
    }
    if (key < min) {
      min = key;
    }
    if (key > max) {
      max = key;
    }
    if (integral && key !== Math.floor(key)) {
      integral = false;
    }
  }
  if (!integral || max - min >= compositeRange || !Number.isFinite(min)) {
    return sortWithRadix(index, keys, descending, integral && Number.isFinite(min) && max - min < lowWord ? min : undefined);
  }
  const composite = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    composite[i] = (descending ? max - keys[i] : keys[i] - min) * lowWord + i;
  }
  composite.sort();
  const result = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    result[i] = index[composite[i] % lowWord];
  }
  return result;
}

/**
 * Stable LSD radix sort of `index` by `keys`: each key becomes 64 bits that order as the numbers
 * do (IEEE 754 with the sign bit flipped, all bits inverted for negatives; whole numbers from
 * `integralFrom` their distance from it), sorted 16 bits at a time; a pass whose digits are all
 * equal is skipped.
 */
function sortWithRadix(index: Uint32Array, keys: Float64Array, descending: boolean, integralFrom: number | undefined): Uint32Array {
  const count = index.length;
  // The keys' own memory holds their sortable bits, [low word, high word] each, whatever the platform's byte order.
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, count * 2);
  const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  const lowAt = isLittleEndian ? 0 : 1;
  const highAt = 1 - lowAt;
  const flip = descending ? 0xffffffff : 0;
  if (integralFrom !== undefined) {
    // Whole numbers spanning less than 2³²: their distance from the smallest is the low word and
    // the high word is 0, so the two passes over it are skipped.
    for (let i = 0; i < count; i++) {
      const low = keys[i] - integralFrom;
      bits[2 * i + lowAt] = (low ^ flip) >>> 0;
      bits[2 * i + highAt] = 0;
    }
  } else {
    for (let i = 0; i < count; i++) {
      let lo = bits[2 * i + lowAt];
      let hi = bits[2 * i + highAt];
      if (hi & 0x80000000) {
        hi = ~hi;
        lo = ~lo;
      } else {
        hi |= 0x80000000;
      }
      bits[2 * i + lowAt] = (lo ^ flip) >>> 0;
      bits[2 * i + highAt] = (hi ^ flip) >>> 0;
    }
  }
  let from = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    from[i] = i;
  }
  let to = new Uint32Array(count);
  const offsets = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lowAt : highAt;
    const shift = (pass & 1) * 16;
    offsets.fill(0);
    for (let i = 0; i < count; i++) {
      offsets[(bits[2 * i + word] >>> shift) & 0xffff]++;
    }
    if (offsets[(bits[word] >>> shift) & 0xffff] === count) {
      continue;
    }
    let sum = 0;
    for (let digit = 0; digit < 65536; digit++) {
      const size = offsets[digit];
      offsets[digit] = sum;
      sum += size;
    }
    for (let j = 0; j < count; j++) {
      const item = from[j];
      to[offsets[(bits[2 * item + word] >>> shift) & 0xffff]++] = item;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  const result = to;
  for (let j = 0; j < count; j++) {
    result[j] = index[from[j]];
  }
  return result;
}
