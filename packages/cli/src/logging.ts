// The root pino logger. Only the CLI creates it; every other package takes a logger.
// Pretty, human logs on a terminal; one JSON object per line otherwise (containers, files).
import { pino, type Logger, type LevelWithSilent } from 'pino';

export const logLevels: LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LoggerOptions {
  level?: string;
  /** `auto` (default): pretty when stderr is a terminal. */
  format?: 'auto' | 'json' | 'pretty';
  name?: string;
}

export function createRootLogger(options: LoggerOptions = {}): Logger {
  const level = (options.level ?? process.env.IRONLB_LOG_LEVEL ?? 'info') as LevelWithSilent;
  if (!logLevels.includes(level)) {
    throw new Error(`unknown log level "${level}": use one of ${logLevels.join(', ')}`);
  }
  const format = options.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && process.stderr.isTTY === true);
  const base = { name: options.name ?? 'ironlb', level };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, translateTime: 'HH:MM:ss.l' },
      },
    });
  }
  return pino(base, pino.destination({ dest: 2, sync: false }));
}
