/** Growable big-endian buffer builder for responses. */
export class Writer {
  private buf: Buffer;
  private len = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.len;
  }

  private reserve(n: number): number {
    if (this.len + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  int8(v: number): this {
    const at = this.reserve(1);
    this.buf.writeInt8(v, at);
    return this;
  }

  int16(v: number): this {
    const at = this.reserve(2);
    this.buf.writeInt16BE(v, at);
    return this;
  }

  int32(v: number): this {
    const at = this.reserve(4);
    this.buf.writeInt32BE(v, at);
    return this;
  }

  int64(v: number | bigint): this {
    const at = this.reserve(8);
    this.buf.writeBigInt64BE(BigInt(v), at);
    return this;
  }

  boolean(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v, 'utf8');
    this.int16(n);
    const at = this.reserve(n);
    this.buf.write(v, at, n, 'utf8');
    return this;
  }

  string(v: string): this {
    return this.nullableString(v);
  }

  nullableBytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    return this.raw(v);
  }

  bytes(v: Buffer): this {
    return this.nullableBytes(v);
  }

  raw(v: Buffer): this {
    const at = this.reserve(v.length);
    v.copy(this.buf, at);
    return this;
  }

  array<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, item: (w: Writer, v: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, item);
  }

  /** Overwrite an int32 already written (used for size prefixes). */
  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
