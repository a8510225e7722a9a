import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'aes256gcm:v1:';

/**
 * Why a text is not a secrets key (canonical base64 of exactly 32 bytes, as
 * `openssl rand -base64 32` prints), or undefined when it is one. Node's base64 decoder skips
 * characters it does not know, so a length check alone would admit a mistyped key: the text
 * must survive a round trip. The message never repeats the key.
 */
export function secretsKeyProblem(text: string): string | undefined {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length === 32 && bytes.toString('base64') === trimmed) return undefined;
  return `must be base64 of exactly 32 bytes (44 characters ending in "=", e.g. \`openssl rand -base64 32\`); got ${trimmed.length} characters${bytes.toString('base64') === trimmed ? ` decoding to ${bytes.length} bytes` : ' that are not canonical base64'}`;
}

/**
 * Secrets at rest (a webhook's signing secret): AES-256-GCM with a 32-byte key from the
 * environment (`WAGEWATCH_SECRETS_KEY`, base64) or, embedded, the data folder's key file.
 * A sealed value is `aes256gcm:v1:` + base64(12-byte IV | 16-byte tag | ciphertext); a fresh
 * IV each time, so the same secret never seals to the same text.
 */
export class SecretBox {
  private readonly key: Buffer;
  private readonly digestKey: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new Error(`a secrets key is 32 bytes (base64 of 32 bytes), not ${key.length}`);
    this.key = key;
    // A key of its own for digests, derived so that no digest is made with the sealing key.
    this.digestKey = createHmac('sha256', key).update('wagewatch:digest:v1').digest();
  }
  /**
   * A keyed digest of a personal identifier (HMAC-SHA256, 32 hex characters): the same text
   * gives the same digest under the same key, and without the key an ID number (a few hundred
   * million likely values) cannot be found by hashing candidates. A new key gives new digests.
   */
  digest(text: string): string {
    return createHmac('sha256', this.digestKey).update(text, 'utf8').digest('hex').slice(0, 32);
  }
  /** The box of a base64 key; `source` (the variable or file it came from) names it in the refusal. */
  static fromBase64(b64: string, source = 'WAGEWATCH_SECRETS_KEY'): SecretBox {
    const problem = secretsKeyProblem(b64);
    if (problem)
      throw new Error(`${source} ${problem}: the system does not start without a valid secrets key`);
    return new SecretBox(Buffer.from(b64.trim(), 'base64'));
  }
  /** A new random key, base64 (for a key file on first start). */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }
  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }
  /** The clear secret; a value stored before encryption (no prefix) is returned as it is. */
  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
