/**
 * The logging interface netlab accepts: a subset of pino's `Logger`, so callers pass their pino
 * child logger as is. Every record carries a stable `event` field.
 */
export interface NetlabLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Discards everything: the default. */
export const silentLogger: NetlabLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
};
