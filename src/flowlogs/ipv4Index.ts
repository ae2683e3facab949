/** Open-addressing map from an IPv4 address (as int32) to its index in `FlowTable.ips`. */
export class Ipv4Index {
  /** Read directly by TupleParser.fastTuples (the same probe as `get`). */
  keys = new Int32Array(1024);
  values = new Int32Array(1024).fill(-1);
  mask = 1023;
  private size = 0;

  get(key: number): number {
    let slot = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const value = this.values[slot];
      if (value < 0 || this.keys[slot] === key) {
        return value;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) {
      this.rehash();
    }
    let slot = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    while (this.values[slot] >= 0 && this.keys[slot] !== key) {
      slot = (slot + 1) & this.mask;
    }
    if (this.values[slot] < 0) {
      this.size++;
    }
    this.keys[slot] = key;
    this.values[slot] = value;
  }

  private rehash(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.values = new Int32Array(oldKeys.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] >= 0) {
        this.set(oldKeys[i], oldValues[i]);
      }
    }
  }
}
