/** Thrown when a request does not decode: the connection that sent it is closed. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Big-endian cursor over one request body, with the primitive types of the Kafka protocol. */
export class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get offset(): number {
    return this.pos;
  }

  remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new DecodeError(`need ${n} bytes at ${this.pos}, have ${this.buf.length - this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  /** int64 as a JS number: offsets, timestamps and producer ids here stay far below 2^53. */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.take(8)));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new DecodeError(`bad string length ${len}`);
    const at = this.take(len);
    return this.buf.toString('utf8', at, at + len);
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new DecodeError('null where a string is required');
    return s;
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw new DecodeError(`bad bytes length ${len}`);
    const at = this.take(len);
    return this.buf.subarray(at, at + len);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  raw(n: number): Buffer {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }

  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const len = this.int32();
    if (len === -1) return null;
    // Every element takes at least one byte: a length beyond the rest of the frame is a lie.
    if (len < 0 || len > this.remaining()) throw new DecodeError(`bad array length ${len}`);
    const out: T[] = [];
    for (let i = 0; i < len; i++) out.push(item(this));
    return out;
  }

  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }

  /** Unsigned LEB128 varint (up to 32 bits). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf.readUInt8(this.take(1));
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new DecodeError('varint too long');
    }
  }

  /** Zigzag-encoded signed varint, as used inside records. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zigzag varlong; values here fit in a double. */
  varlong(): number {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf.readUInt8(this.take(1));
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new DecodeError('varlong too long');
    }
    return Number((result >> 1n) ^ -(result & 1n));
  }
}
