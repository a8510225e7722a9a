import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '@wagewatch/runtime';

/**
 * The key that seals the secrets the system keeps (webhook secrets, AES-256-GCM):
 * `WAGEWATCH_SECRETS_KEY` (base64 of 32 bytes) when set, else `<data dir>/secrets-key`,
 * created 0600 with a random key on first start. Losing the key file loses the webhook
 * secrets (register the webhooks again); back it up with the data folder, never beside a dump.
 */
export function loadSecrets(dataDir: string, envKey: string | undefined): SecretBox {
  if (envKey) return SecretBox.fromBase64(envKey);
  const file = join(dataDir, 'secrets-key');
  if (!existsSync(file)) writeFileSync(file, `${SecretBox.generateKey()}\n`, { mode: 0o600, flag: 'wx' });
  return SecretBox.fromBase64(readFileSync(file, 'utf8'), `the secrets key file ${file}`);
}
