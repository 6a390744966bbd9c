/**
 * The subset of pino's `Logger` the session uses. The caller passes its pino logger (the CLI
 * builds the root one); without one the session logs nothing and never loads pino, which keeps
 * a speaker's start-up lean.
 */
export interface BgpLogger {
  child(bindings: Record<string, unknown>): BgpLogger;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => undefined;

export const silentLogger: BgpLogger = {
  child: () => silentLogger,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
};
