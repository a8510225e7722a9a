import { describe, expect, it } from 'vitest';
import { SecretBox, secretsKeyProblem } from './secret-box.ts';

const good = Buffer.alloc(32, 7).toString('base64');

describe('the secrets key (WAGEWATCH_SECRETS_KEY)', () => {
  it('given base64 of 32 bytes (with or without a trailing newline): a box that seals and opens', () => {
    expect(secretsKeyProblem(good)).toBeUndefined();
    expect(secretsKeyProblem(`${good}\n`)).toBeUndefined();
    const box = SecretBox.fromBase64(good);
    expect(box.open(box.seal('s3cret'))).toBe('s3cret');
  });

  it.each([
    [
      'too short (16 bytes)',
      Buffer.alloc(16, 1).toString('base64'),
      'got 24 characters decoding to 16 bytes',
    ],
    ['too long (48 bytes)', Buffer.alloc(48, 1).toString('base64'), 'decoding to 48 bytes'],
    ['hex instead of base64', 'ab'.repeat(32), 'decoding to 48 bytes'],
    ['a mistyped character Node would skip', `*${good.slice(1)}`, 'not canonical base64'],
    ['empty', '', 'got 0 characters'],
  ])('given a key %s: refused naming the variable, never repeating the key', (_what, key, why) => {
    expect(secretsKeyProblem(key)).toContain(why);
    let message = '';
    try {
      SecretBox.fromBase64(key);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^WAGEWATCH_SECRETS_KEY must be base64 of exactly 32 bytes/);
    expect(message).toContain('does not start');
    if (key) expect(message).not.toContain(key);
  });

  it('given a source: the refusal names it (a key file)', () => {
    expect(() => SecretBox.fromBase64('short', 'the secrets key file /data/secrets-key')).toThrow(
      /^the secrets key file \/data\/secrets-key must be base64 of exactly 32 bytes/,
    );
  });
});

describe('keyed digests of personal identifiers', () => {
  it('given the same key, the same digest; another key or another text, another; never the text itself', () => {
    const a = SecretBox.fromBase64(good);
    const b = SecretBox.fromBase64(Buffer.alloc(32, 8).toString('base64'));
    const id = '510402198503151234';
    expect(a.digest(id)).toMatch(/^[0-9a-f]{32}$/);
    expect(a.digest(id)).toBe(SecretBox.fromBase64(good).digest(id));
    expect(b.digest(id)).not.toBe(a.digest(id));
    expect(a.digest('510402198503151235')).not.toBe(a.digest(id));
    expect(a.digest(id)).not.toContain(id.slice(-6));
  });
});
