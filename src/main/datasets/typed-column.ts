/** A typed array that grows by doubling, like a JS array but a few bytes a row. */
export class Column<T extends Uint8Array | Uint32Array | Int32Array | Float64Array> {
  length = 0;

  constructor(private data: T) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i];
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  truncate(length: number): void {
    this.length = length;
  }

  /** The filled part, for loops and sorts that index it directly. */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}
