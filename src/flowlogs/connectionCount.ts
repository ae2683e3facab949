/**
 * Counts the connections `joinConnections` makes, batch by batch while a file streams, without
 * keeping the rows: one entry per 5-tuple and MAC that is still open (or, for denied and
 * stateless tuples, whose record may still come back), forgotten once it cannot change the count.
 *
 * `joinConnections` orders all rows by time before it joins them. Here each batch's rows of one
 * key are put in that order; across batches the count is exact when no tuple comes before one
 * of the same key (or, for a forgotten key, of the same MAC) in an earlier batch, which holds for
 * blobs as Azure writes them (one record per NIC per minute, in order). When it does not hold,
 * `isDisordered` is set and the caller joins the whole table instead.
 */
import { packFlags, type FlowTable } from './flowTable';

const denyBit = packFlags('inbound', 'deny', undefined);
const stateShift = 2;
const beginCode = packFlags('inbound', 'allow', 'begin') >> stateShift;
const continuingCode = packFlags('inbound', 'allow', 'continuing') >> stateShift;
const endCode = packFlags('inbound', 'allow', 'end') >> stateShift;
const denyCode = packFlags('inbound', 'deny', 'deny') >> stateShift;

/** Ties at one timestamp, as `joinConnections` breaks them: B before C before E. */
function stateRank(flags: number): number {
  const code = flags >> stateShift;
  return code === beginCode ? 0 : code === continuingCode ? 1 : code === endCode ? 2 : 1;
}

/** Denied and stateless tuples are joined only within one record; the rest by B/C/E. */
function isSingle(flags: number): boolean {
  const code = flags >> stateShift;
  return (flags & denyBit) !== 0 || code === denyCode || code === 0;
}

// Keys live in entries appended in the order they are met (8 Int32 words and 2 Float64s each),
// found through an open-addressing index of entry numbers: the index is small enough to stay in
// the processor's cache, and a new key costs a write at the end of the entries.
const entryWords = 8;
const stateWord = 4;
const singleRecordWord = 5;
/** The batch in which the entry was last met, and its number among that batch's keys. */
const markWord = 6;
const ordinalWord = 7;
/** Float64s of an entry: the time of the last allowed B/C/E tuple, and of the last denied or stateless one. */
const lastTimeDouble = 0;
const singleTimeDouble = 1;
// The state word: alive, open, has a denied or stateless tuple, and the two ranks.
const aliveBit = 1;
const openBit = 4;
const singleBit = 8;
const lastRankShift = 4;
const singleRankShift = 6;
/** Index values: 0 free, -1 a dropped entry's place (probing goes on past it), else entry + 1. */
const droppedPlace = -1;

export class ConnectionCounter {
  /** Connections counted so far. */
  count = 0;
  /** A tuple came before an earlier batch's tuple of its key: `count` is not to be trusted. */
  isDisordered = false;

  private index = new Int32Array(0);
  private mask = 0;
  private droppedPlaces = 0;
  private entries = new Int32Array(0);
  private times = new Float64Array(0);
  /** Entries appended (alive or dropped) and alive. */
  private entryCount = 0;
  private used = 0;
  private batch = 0;

  private readonly macIds = new Map<string, number>();
  /** Per MAC: the latest time (and rank) of a dropped key, which a new key must not come before. */
  private readonly forgottenTime: number[] = [];
  private readonly forgottenRank: number[] = [];

  // Per batch, by the order in which keys are first met: the entry, its state before the batch,
  // what the batch added to the count, and whether its rows must be counted again in time order.
  private touchedEntry = new Int32Array(0);
  private savedState = new Int32Array(0);
  private savedRecord = new Int32Array(0);
  private savedLastTime = new Float64Array(0);
  private savedSingleTime = new Float64Array(0);
  private batchCount = new Int32Array(0);
  private needsReplay = new Uint8Array(0);
  /** Per row of the batch: the number of its key in the arrays above. */
  private rowKey = new Int32Array(0);

  /** Keys held now: the open connections (and, before the last file, the denied tuples' keys). */
  get heldKeys(): number {
    return this.used;
  }

  /**
   * Counts the batch's rows. `moreFilesFollow`: record indexes start again in the next file and
   * `joinConnections` joins a denied tuple with one of the same key and record index there too,
   * so those keys are kept until the last file.
   */
  add(table: FlowTable, moreFilesFollow = false): void {
    const n = table.length;
    if (this.rowKey.length < n) {
      this.rowKey = new Int32Array(n);
      this.touchedEntry = new Int32Array(n);
      this.savedState = new Int32Array(n);
      this.savedRecord = new Int32Array(n);
      this.savedLastTime = new Float64Array(n);
      this.savedSingleTime = new Float64Array(n);
      this.batchCount = new Int32Array(n);
      this.needsReplay = new Uint8Array(n);
    }
    // Room for every row's key: in the entries, and in the index at most half full.
    if (this.entryCount + n > this.entries.length / entryWords || (this.used + this.droppedPlaces + n) * 2 > this.index.length) {
      this.compact(n);
    }
    this.batch++;
    const entries = this.entries;
    const contextMac = new Int32Array(table.contexts.length).fill(-1);
    const contextRecord = new Int32Array(table.contexts.length);
    let touchedCount = 0;
    let lastRecord = -1;
    let replays = 0;
    for (let row = 0; row < n; row++) {
      const contextIndex = table.context[row];
      let macId = contextMac[contextIndex];
      if (macId < 0) {
        macId = this.macId(table.contexts[contextIndex]?.mac ?? '');
        contextMac[contextIndex] = macId;
        const record = table.contexts[contextIndex]?.recordIndex ?? -1;
        contextRecord[contextIndex] = record;
        lastRecord = Math.max(lastRecord, record);
      }
      // Int32 words, as the entries store them.
      const entry = this.entry(table.srcIp[row] | 0, table.dstIp[row] | 0, (table.srcPort[row] << 16) | table.dstPort[row], table.protocol[row] | (macId << 8), macId);
      const at = entry * entryWords;
      let key: number;
      if (entries[at + markWord] !== this.batch) {
        key = touchedCount++;
        entries[at + markWord] = this.batch;
        entries[at + ordinalWord] = key;
        this.touchedEntry[key] = entry;
        this.savedState[key] = entries[at + stateWord];
        this.savedRecord[key] = entries[at + singleRecordWord];
        this.savedLastTime[key] = this.times[entry * 2 + lastTimeDouble];
        this.savedSingleTime[key] = this.times[entry * 2 + singleTimeDouble];
        this.batchCount[key] = 0;
        this.needsReplay[key] = 0;
      } else {
        key = entries[at + ordinalWord];
      }
      this.rowKey[row] = key;
      if (this.countRow(table, row, entry, key, contextRecord[contextIndex])) {
        replays++;
      }
    }
    if (replays > 0) {
      this.replay(table, contextRecord, touchedCount);
    }
    // Batches hold whole records, so records up to the batch's last one do not come back in this file.
    this.forget(touchedCount, moreFilesFollow ? -1 : lastRecord);
  }

  private macId(mac: string): number {
    let id = this.macIds.get(mac);
    if (id === undefined) {
      id = this.macIds.size;
      this.macIds.set(mac, id);
      this.forgottenTime.push(-Infinity);
      this.forgottenRank.push(0);
    }
    return id;
  }

  /**
   * Counts one row against its key's state. True when the row comes before a row of the same
   * key earlier in this batch: the key's rows are then counted again, in time order, by `replay`.
   */
  private countRow(table: FlowTable, row: number, entry: number, key: number, record: number): boolean {
    const entries = this.entries;
    const times = this.times;
    const at = entry * entryWords;
    const flags = table.flags[row];
    const time = table.time[row];
    const rank = stateRank(flags);
    let state = entries[at + stateWord];
    let replay = false;
    if (!Number.isFinite(time)) {
      this.isDisordered = true;
    }
    if (isSingle(flags)) {
      const before = times[entry * 2 + singleTimeDouble];
      if (time < before || (time === before && rank < ((state >> singleRankShift) & 3))) {
        replay = this.outOfOrder(key, time, rank, this.savedSingleTime[key], (this.savedState[key] >> singleRankShift) & 3);
      }
      if ((state & singleBit) === 0 || entries[at + singleRecordWord] !== record) {
        this.count++;
        this.batchCount[key]++;
        state |= singleBit;
        entries[at + singleRecordWord] = record;
      }
      times[entry * 2 + singleTimeDouble] = time;
      entries[at + stateWord] = (state & ~(3 << singleRankShift)) | (rank << singleRankShift);
      return replay;
    }
    const before = times[entry * 2 + lastTimeDouble];
    if (time < before || (time === before && rank < ((state >> lastRankShift) & 3))) {
      replay = this.outOfOrder(key, time, rank, this.savedLastTime[key], (this.savedState[key] >> lastRankShift) & 3);
    }
    const code = flags >> stateShift;
    if (code === beginCode) {
      this.count++;
      this.batchCount[key]++;
      state |= openBit;
    } else if ((state & openBit) === 0) {
      this.count++;
      this.batchCount[key]++;
      if (code !== endCode) {
        state |= openBit;
      }
    } else if (code === endCode) {
      state &= ~openBit;
    }
    times[entry * 2 + lastTimeDouble] = time;
    entries[at + stateWord] = (state & ~(3 << lastRankShift)) | (rank << lastRankShift);
    return replay;
  }

  /** A row before its key's last one: before the batch's start too means the input is out of order; else the batch's rows are. */
  private outOfOrder(key: number, time: number, rank: number, savedTime: number, savedRank: number): boolean {
    if (time < savedTime || (time === savedTime && rank < savedRank)) {
      this.isDisordered = true;
      return false;
    }
    if (this.needsReplay[key] === 1) {
      return false;
    }
    this.needsReplay[key] = 1;
    return true;
  }

  /** Counts the rows of the keys marked for it again from their state before the batch, in time order (as joinConnections orders them). */
  private replay(table: FlowTable, contextRecord: Int32Array, touchedCount: number): void {
    // Each marked key's rows, linked in row order through `rowKey` (reused: its values are no longer needed).
    const first = new Int32Array(touchedCount).fill(-1);
    const last = new Int32Array(touchedCount);
    const next = this.rowKey;
    for (let row = 0; row < table.length; row++) {
      const key = next[row];
      next[row] = -1;
      if (this.needsReplay[key] === 1) {
        if (first[key] < 0) {
          first[key] = row;
        } else {
          next[last[key]] = row;
        }
        last[key] = row;
      }
    }
    const rows: number[] = [];
    for (let key = 0; key < touchedCount; key++) {
      if (first[key] < 0) {
        continue;
      }
      const entry = this.touchedEntry[key];
      const at = entry * entryWords;
      this.count -= this.batchCount[key];
      this.batchCount[key] = 0;
      this.entries[at + stateWord] = this.savedState[key];
      this.entries[at + singleRecordWord] = this.savedRecord[key];
      this.times[entry * 2 + lastTimeDouble] = this.savedLastTime[key];
      this.times[entry * 2 + singleTimeDouble] = this.savedSingleTime[key];
      // A key has a few rows in a batch: insertion sort by time, then B < C < E (rows are in row order already).
      rows.length = 0;
      for (let row = first[key]; row >= 0; row = next[row]) {
        let i = rows.length;
        const time = table.time[row];
        const rank = stateRank(table.flags[row]);
        while (i > 0 && (table.time[rows[i - 1]] > time || (table.time[rows[i - 1]] === time && stateRank(table.flags[rows[i - 1]]) > rank))) {
          rows[i] = rows[i - 1];
          i--;
        }
        rows[i] = row;
      }
      for (const row of rows) {
        this.countRow(table, row, entry, key, contextRecord[table.context[row]]);
      }
    }
  }

  /** The entry of the key, appended when new (its order then checked against its MAC's dropped keys). There is room. */
  private entry(w0: number, w1: number, w2: number, w3: number, macId: number): number {
    let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f);
    h ^= h >>> 15;
    let place = h & this.mask;
    const index = this.index;
    const entries = this.entries;
    let free = -1;
    for (;;) {
      const value = index[place];
      if (value === 0) {
        break;
      }
      if (value > 0) {
        const at = (value - 1) * entryWords;
        if (entries[at] === w0 && entries[at + 1] === w1 && entries[at + 2] === w2 && entries[at + 3] === w3) {
          return value - 1;
        }
      } else if (free < 0) {
        free = place;
      }
      place = (place + 1) & this.mask;
    }
    if (free >= 0) {
      place = free;
      this.droppedPlaces--;
    }
    const entry = this.entryCount++;
    index[place] = entry + 1;
    const at = entry * entryWords;
    entries[at] = w0;
    entries[at + 1] = w1;
    entries[at + 2] = w2;
    entries[at + 3] = w3;
    const rank = this.forgottenRank[macId];
    entries[at + stateWord] = aliveBit | (rank << lastRankShift) | (rank << singleRankShift);
    entries[at + singleRecordWord] = 0;
    entries[at + markWord] = 0;
    this.times[entry * 2 + lastTimeDouble] = this.forgottenTime[macId];
    this.times[entry * 2 + singleTimeDouble] = this.forgottenTime[macId];
    this.used++;
    return entry;
  }

  /**
   * Drops the batch's keys that can no longer change the count: closed ones, and those whose
   * denied or stateless tuple is from a record up to `pastRecord`; each MAC remembers the latest
   * of them.
   */
  private forget(touchedCount: number, pastRecord: number): void {
    const entries = this.entries;
    for (let key = 0; key < touchedCount; key++) {
      const entry = this.touchedEntry[key];
      const at = entry * entryWords;
      let state = entries[at + stateWord];
      const macId = entries[at + 3] >>> 8;
      if ((state & singleBit) !== 0 && entries[at + singleRecordWord] <= pastRecord) {
        this.raiseForgotten(macId, this.times[entry * 2 + singleTimeDouble], (state >> singleRankShift) & 3);
        state &= ~singleBit;
      }
      if ((state & (openBit | singleBit)) === 0) {
        this.raiseForgotten(macId, this.times[entry * 2 + lastTimeDouble], (state >> lastRankShift) & 3);
        state &= ~aliveBit;
        this.drop(entries[at], entries[at + 1], entries[at + 2], entries[at + 3], entry);
      }
      entries[at + stateWord] = state;
    }
  }

  /** Marks the entry's place in the index as dropped. */
  private drop(w0: number, w1: number, w2: number, w3: number, entry: number): void {
    let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f);
    h ^= h >>> 15;
    let place = h & this.mask;
    while (this.index[place] !== entry + 1) {
      place = (place + 1) & this.mask;
    }
    this.index[place] = droppedPlace;
    this.droppedPlaces++;
    this.used--;
  }

  private raiseForgotten(macId: number, time: number, rank: number): void {
    const latest = this.forgottenTime[macId];
    if (time > latest || (time === latest && rank > this.forgottenRank[macId])) {
      this.forgottenTime[macId] = time;
      this.forgottenRank[macId] = rank;
    }
  }

  /** Moves the alive entries to the front, with room for `extra` more, and an index at most half full. */
  private compact(extra: number): void {
    const oldEntries = this.entries;
    const oldTimes = this.times;
    const oldCount = this.entryCount;
    let capacity = 1024;
    while (capacity < 2 * (this.used + extra)) {
      capacity *= 2;
    }
    if (capacity !== this.index.length) {
      this.index = new Int32Array(capacity);
    } else {
      this.index.fill(0);
    }
    this.mask = capacity - 1;
    // Entries for half as many again as needed now: compacted again once that fills up.
    const entryCapacity = Math.ceil(1.5 * (this.used + extra));
    if (oldEntries.length / entryWords < entryCapacity) {
      this.entries = new Int32Array(entryCapacity * entryWords);
      this.times = new Float64Array(entryCapacity * 2);
    }
    this.droppedPlaces = 0;
    this.entryCount = 0;
    this.used = 0;
    for (let from = 0; from < oldCount; from++) {
      const at = from * entryWords;
      const state = oldEntries[at + stateWord];
      if ((state & aliveBit) === 0) {
        continue;
      }
      const w0 = oldEntries[at];
      const w1 = oldEntries[at + 1];
      const w2 = oldEntries[at + 2];
      const w3 = oldEntries[at + 3];
      const record = oldEntries[at + singleRecordWord];
      const lastTime = oldTimes[from * 2 + lastTimeDouble];
      const singleTime = oldTimes[from * 2 + singleTimeDouble];
      // Entries only move towards the front, so copying in place is safe.
      const entry = this.entry(w0, w1, w2, w3, w3 >>> 8);
      const to = entry * entryWords;
      this.entries[to + stateWord] = state;
      this.entries[to + singleRecordWord] = record;
      this.times[entry * 2 + lastTimeDouble] = lastTime;
      this.times[entry * 2 + singleTimeDouble] = singleTime;
    }
  }
}
