/** Splits a TCP byte stream into Kafka frames (int32 size + payload). */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /**
   * Adds bytes and returns every complete frame payload, or 'too-large' as soon as a size prefix
   * is beyond the limit (or negative) — before the body is read.
   */
  push(chunk: Buffer): Buffer[] | 'too-large' {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) return 'too-large';
      if (this.buffered < 4 + size) return frames;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      frames.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, this.buffered).readInt32BE(0);
  }
}
