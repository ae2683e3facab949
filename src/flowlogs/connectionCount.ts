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

export class ConnectionCounter {
  /** Connections counted so far. */
  count = 0;
  /** A tuple came before an earlier batch's tuple of its key: `count` is not to be trusted. */
  isDisordered = false;

  /** Keys held now: the open connections (and, before the last file, the denied tuples' keys). */
  get heldKeys(): number {
    return this.used;
  }

  private capacity = 1024;
  private mask = 1023;
  private used = 0;
  /** Slots of dropped keys (2 in `isUsed`), freed by the next rebuild. */
  private forgottenSlots = 0;
  private keys = new Uint32Array(4 * 1024);
  /** 0 free, 1 a key, 2 a dropped key. */
  private isUsed = new Uint8Array(1024);
  /** Allowed B/C/E tuples: 1 while a connection is open. */
  private isOpen = new Uint8Array(1024);
  private lastTime = new Float64Array(1024);
  private lastRank = new Uint8Array(1024);
  /** Denied and stateless tuples: whether one was seen, its record and its position in time. */
  private hasSingle = new Uint8Array(1024);
  private singleRecord = new Int32Array(1024);
  private singleTime = new Float64Array(1024);
  private singleRank = new Uint8Array(1024);
  private mac = new Uint32Array(1024);

  private readonly macIds = new Map<string, number>();
  /** Per MAC: the latest time (and rank) of a forgotten key, which a new key must not come before. */
  private readonly forgottenTime: number[] = [];
  private readonly forgottenRank: number[] = [];

  // Per batch: the rows of each touched slot, in row order.
  private first = new Int32Array(1024).fill(-1);
  private last = new Int32Array(1024);
  private next = new Int32Array(0);
  private touched = new Int32Array(0);

  /**
   * Counts the batch's rows. `moreFilesFollow`: record indexes start again in the next file and
   * `joinConnections` joins a denied tuple with one of the same key and record index there too,
   * so those keys are kept until the last file.
   */
  add(table: FlowTable, moreFilesFollow = false): void {
    const n = table.length;
    if (this.next.length < n) {
      this.next = new Int32Array(n);
      this.touched = new Int32Array(n);
    }
    // Room for every row's key with the table at most half full (dropped slots counted), so that
    // no slot moves while the batch is linked.
    if ((this.used + this.forgottenSlots + n) * 2 > this.capacity) {
      let capacity = this.capacity;
      while ((this.used + n) * 2 > capacity) {
        capacity *= 2;
      }
      this.rebuild(capacity);
    }
    const next = this.next;
    const touched = this.touched;
    const contextMac = new Int32Array(table.contexts.length).fill(-1);
    let touchedCount = 0;
    let lastRecord = -1;
    for (let row = 0; row < n; row++) {
      const contextIndex = table.context[row];
      let macId = contextMac[contextIndex];
      if (macId < 0) {
        const macText = table.contexts[contextIndex]?.mac ?? '';
        macId = this.macIds.get(macText) ?? this.macIds.size;
        if (macId === this.macIds.size) {
          this.macIds.set(macText, macId);
          this.forgottenTime.push(-Infinity);
          this.forgottenRank.push(0);
        }
        contextMac[contextIndex] = macId;
        lastRecord = Math.max(lastRecord, table.contexts[contextIndex]?.recordIndex ?? -1);
      }
      const slot = this.slot(table.srcIp[row], table.dstIp[row], ((table.srcPort[row] << 16) | table.dstPort[row]) >>> 0, (table.protocol[row] | (macId << 8)) >>> 0, macId);
      next[row] = -1;
      if (this.first[slot] < 0) {
        this.first[slot] = row;
        touched[touchedCount++] = slot;
      } else {
        next[this.last[slot]] = row;
      }
      this.last[slot] = row;
    }
    const group: number[] = [];
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i];
      let row = this.first[slot];
      this.first[slot] = -1;
      if (next[row] < 0) {
        this.countRow(table, slot, row);
        continue;
      }
      group.length = 0;
      let sorted = true;
      for (; row >= 0; row = next[row]) {
        if (group.length > 0) {
          const previous = group[group.length - 1];
          const t = table.time[row];
          const tp = table.time[previous];
          if (t < tp || (t === tp && stateRank(table.flags[row]) < stateRank(table.flags[previous]))) {
            sorted = false;
          }
        }
        group.push(row);
      }
      if (!sorted) {
        group.sort((a, b) => table.time[a] - table.time[b] || stateRank(table.flags[a]) - stateRank(table.flags[b]) || a - b);
      }
      for (const member of group) {
        this.countRow(table, slot, member);
      }
    }
    // Batches hold whole records, so records up to the batch's last one do not come back in this file.
    this.forget(touched, touchedCount, moreFilesFollow ? -1 : lastRecord);
  }

  private countRow(table: FlowTable, slot: number, row: number): void {
    const flags = table.flags[row];
    const time = table.time[row];
    const rank = stateRank(flags);
    if (!Number.isFinite(time)) {
      this.isDisordered = true;
    }
    if (isSingle(flags)) {
      const before = this.singleTime[slot];
      if (time < before || (time === before && rank < this.singleRank[slot])) {
        this.isDisordered = true;
      }
      const record = table.contexts[table.context[row]]?.recordIndex ?? -1;
      if (this.hasSingle[slot] === 0 || this.singleRecord[slot] !== record) {
        this.count++;
        this.hasSingle[slot] = 1;
        this.singleRecord[slot] = record;
      }
      this.singleTime[slot] = time;
      this.singleRank[slot] = rank;
      return;
    }
    const before = this.lastTime[slot];
    if (time < before || (time === before && rank < this.lastRank[slot])) {
      this.isDisordered = true;
    }
    const code = flags >> stateShift;
    if (code === beginCode) {
      this.count++;
      this.isOpen[slot] = 1;
    } else if (this.isOpen[slot] === 0) {
      this.count++;
      this.isOpen[slot] = code === endCode ? 0 : 1;
    } else if (code === endCode) {
      this.isOpen[slot] = 0;
    }
    this.lastTime[slot] = time;
    this.lastRank[slot] = rank;
  }

  /** The slot of the key, claimed when new (its order then checked against its MAC's forgotten keys). The table has room. */
  private slot(w0: number, w1: number, w2: number, w3: number, macId: number): number {
    let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f);
    h ^= h >>> 15;
    let slot = h & this.mask;
    const keys = this.keys;
    const isUsed = this.isUsed;
    let free = -1;
    for (;;) {
      const state = isUsed[slot];
      if (state === 0) {
        break;
      }
      const k = slot * 4;
      if (state === 1) {
        if (keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) {
          return slot;
        }
      } else if (free < 0) {
        free = slot;
      }
      slot = (slot + 1) & this.mask;
    }
    if (free >= 0) {
      slot = free;
      this.forgottenSlots--;
    }
    const k = slot * 4;
    keys[k] = w0;
    keys[k + 1] = w1;
    keys[k + 2] = w2;
    keys[k + 3] = w3;
    isUsed[slot] = 1;
    this.isOpen[slot] = 0;
    this.hasSingle[slot] = 0;
    this.lastTime[slot] = this.forgottenTime[macId];
    this.lastRank[slot] = this.forgottenRank[macId];
    this.singleTime[slot] = this.forgottenTime[macId];
    this.singleRank[slot] = this.forgottenRank[macId];
    this.mac[slot] = macId;
    this.first[slot] = -1;
    this.used++;
    return slot;
  }

  /**
   * Drops the batch's keys that can no longer change the count: closed ones, and those whose
   * denied or stateless tuple is from a record up to `pastRecord`; each MAC remembers the latest
   * of them. A dropped slot stays taken (2) for the keys placed after it until the table is rebuilt.
   */
  private forget(touched: Int32Array, touchedCount: number, pastRecord: number): void {
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i];
      const macId = this.mac[slot];
      if (this.hasSingle[slot] === 1 && this.singleRecord[slot] <= pastRecord) {
        this.raiseForgotten(macId, this.singleTime[slot], this.singleRank[slot]);
        this.hasSingle[slot] = 0;
      }
      if (this.isOpen[slot] === 0 && this.hasSingle[slot] === 0) {
        this.raiseForgotten(macId, this.lastTime[slot], this.lastRank[slot]);
        this.isUsed[slot] = 2;
        this.used--;
        this.forgottenSlots++;
      }
    }
  }

  private raiseForgotten(macId: number, time: number, rank: number): void {
    const latest = this.forgottenTime[macId];
    if (time > latest || (time === latest && rank > this.forgottenRank[macId])) {
      this.forgottenTime[macId] = time;
      this.forgottenRank[macId] = rank;
    }
  }

  /** Places the held keys again in new arrays of `capacity` slots, leaving the dropped ones out. */
  private rebuild(capacity: number): void {
    const old = {
      capacity: this.capacity,
      keys: this.keys,
      isUsed: this.isUsed,
      isOpen: this.isOpen,
      lastTime: this.lastTime,
      lastRank: this.lastRank,
      hasSingle: this.hasSingle,
      singleRecord: this.singleRecord,
      singleTime: this.singleTime,
      singleRank: this.singleRank,
      mac: this.mac,
    };
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.used = 0;
    this.forgottenSlots = 0;
    this.keys = new Uint32Array(4 * capacity);
    this.isUsed = new Uint8Array(capacity);
    this.isOpen = new Uint8Array(capacity);
    this.lastTime = new Float64Array(capacity);
    this.lastRank = new Uint8Array(capacity);
    this.hasSingle = new Uint8Array(capacity);
    this.singleRecord = new Int32Array(capacity);
    this.singleTime = new Float64Array(capacity);
    this.singleRank = new Uint8Array(capacity);
    this.mac = new Uint32Array(capacity);
    this.first = new Int32Array(capacity).fill(-1);
    this.last = new Int32Array(capacity);
    for (let from = 0; from < old.capacity; from++) {
      if (old.isUsed[from] !== 1) {
        continue;
      }
      const k = from * 4;
      const slot = this.slot(old.keys[k], old.keys[k + 1], old.keys[k + 2], old.keys[k + 3], old.mac[from]);
      this.isOpen[slot] = old.isOpen[from];
      this.lastTime[slot] = old.lastTime[from];
      this.lastRank[slot] = old.lastRank[from];
      this.hasSingle[slot] = old.hasSingle[from];
      this.singleRecord[slot] = old.singleRecord[from];
      this.singleTime[slot] = old.singleTime[from];
      this.singleRank[slot] = old.singleRank[from];
    }
  }
}
