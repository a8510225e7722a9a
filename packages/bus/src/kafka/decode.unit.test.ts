import { describe, expect, it } from 'vitest';
import { decodeMessage } from './decode.ts';

describe('decodeMessage', () => {
  it('parses JSON and keeps the text', () => {
    expect(decodeMessage(Buffer.from('{"a":1}'))).toEqual({ ok: true, raw: { a: 1 }, rawText: '{"a":1}' });
  });
  it('reports text that is not JSON, keeping it for the dead letter', () => {
    const d = decodeMessage(Buffer.from('nope'));
    expect(d).toMatchObject({ ok: false, rawText: 'nope' });
    expect(!d.ok && d.reason).toMatch(/not JSON/);
  });
  it('reports an empty message and bytes that are not UTF-8', () => {
    expect(decodeMessage(null)).toMatchObject({ ok: false, reason: 'empty message' });
    const bin = Buffer.from([0xff, 0xfe, 0x00]);
    expect(decodeMessage(bin)).toMatchObject({ ok: false, rawText: bin.toString('base64') });
  });
});
