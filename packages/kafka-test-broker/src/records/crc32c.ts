/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches (magic 2).
 * Slicing-by-8 tables: about 8x faster than the byte-at-a-time loop on large batches.
 */
const POLY = 0x82f63b78;

const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = t0[i]!;
    for (let t = 1; t < 8; t++) {
      c = (t0[c & 0xff]! ^ (c >>> 8)) >>> 0;
      tables[t]![i] = c;
    }
  }
  return tables;
})();

export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let crc = 0xffffffff;
  let i = start;
  while (end - i >= 8) {
    const a = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    crc =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[buf[i + 4]!]! ^
      t2[buf[i + 5]!]! ^
      t1[buf[i + 6]!]! ^
      t0[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) {
    crc = t0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
    i++;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
