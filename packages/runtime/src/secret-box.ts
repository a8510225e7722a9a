import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'aes256gcm:v1:';

/**
 * Secrets at rest (a webhook's signing secret): AES-256-GCM with a 32-byte key from the
 * environment (`WAGEWATCH_SECRETS_KEY`, base64) or, embedded, the data folder's key file.
 * A sealed value is `aes256gcm:v1:` + base64(12-byte IV | 16-byte tag | ciphertext); a fresh
 * IV each time, so the same secret never seals to the same text.
 */
export class SecretBox {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new Error(`a secrets key is 32 bytes (base64 of 32 bytes), not ${key.length}`);
    this.key = key;
  }
  static fromBase64(b64: string): SecretBox {
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
