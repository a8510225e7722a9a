import pino, { type Logger } from 'pino';
import { maskPersonalData } from './mask.ts';

export type { Logger };

/** pino JSON logs with personal data masked in every record. */
export function createLogger(
  options: { level?: string; name?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      formatters: { log: (obj) => maskPersonalData(obj) as Record<string, unknown> },
      redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
    },
    options.destination,
  );
}
