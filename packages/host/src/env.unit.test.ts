import { describe, expect, it } from 'vitest';
import { hostEnvSchema } from './env.ts';

const base = {
  DATABASE_URL: 'postgres://x',
  KAFKA_BROKERS: 'k:9092',
  REDIS_URL: 'redis://r',
  WAGEWATCH_KEY_SECRET: 'x'.repeat(32),
};

describe('the distributed environment', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise (containers set HOST=0.0.0.0)', () => {
    expect(hostEnvSchema.parse(base).HOST).toBe('127.0.0.1');
    expect(hostEnvSchema.parse({ ...base, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('reads the previous key secrets of a rotation, each at least 32 characters', () => {
    const previous = `${'a'.repeat(32)}, ${'b'.repeat(32)}`;
    expect(
      hostEnvSchema.parse({ ...base, WAGEWATCH_KEY_SECRETS_PREVIOUS: previous })
        .WAGEWATCH_KEY_SECRETS_PREVIOUS,
    ).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(hostEnvSchema.parse(base).WAGEWATCH_KEY_SECRETS_PREVIOUS).toEqual([]);
    expect(() => hostEnvSchema.parse({ ...base, WAGEWATCH_KEY_SECRETS_PREVIOUS: 'short' })).toThrow(/32/);
  });
});
