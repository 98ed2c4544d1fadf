// Structured JSON logs. Every reconcile logs through a child logger that carries the object key,
// so `jq 'select(.key == "team-a/web")'` shows one object's whole story.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Paths whose values never reach a log line. Credentials can hide inside AWS SDK client configs,
 * HTTP request options and errors that echo them, so the list covers those shapes one and two
 * levels deep (pino's `*` matches exactly one level).
 */
export const REDACTED_PATHS: readonly string[] = [
  'password',
  'token',
  'bearerToken',
  'authorization',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'credentials',
  'headers.authorization',
  'headers.Authorization',
  '*.password',
  '*.token',
  '*.bearerToken',
  '*.authorization',
  '*.accessKeyId',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.credentials',
  '*.headers.authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** Static fields on every line (for example the operator's leader-election identity). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_PATHS], censor: '[REDACTED]' },
      formatters: {
        // A string level ("info") reads better in log search than pino's numeric default.
        level: (label) => ({ level: label }),
      },
    },
    opts.destination,
  );
}

let silent: Logger | undefined;

/**
 * A logger that writes nothing, for tests and library defaults. One for the process: each pino()
 * walks the stack for its caller, which a fallback asked for at every status write would pay each time.
 */
export function silentLogger(): Logger {
  return (silent ??= pino({ level: 'silent' }));
}
