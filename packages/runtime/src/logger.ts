import pino, { type Logger } from 'pino';
import { maskPersonalData, maskText } from './mask.ts';

export type { Logger };

/**
 * pino JSON logs with personal data masked in every record: the logged object (errors and
 * their causes included, a database error's statement values dropped: mask.ts), and then the
 * whole line as written, so that an ID or card number in a message or a child's bindings is
 * masked too.
 */
export function createLogger(
  options: { level?: string; name?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      formatters: { log: (obj) => maskPersonalData(obj) as Record<string, unknown> },
      // Errors are already plain objects here (maskError): pino's serializer would rename their type.
      serializers: { err: (e: unknown) => e },
      hooks: { streamWrite: (line) => maskText(line) },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
