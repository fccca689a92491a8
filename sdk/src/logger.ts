/** A structured logger bound to the plugin id (pino-compatible subset). */
export interface LogFn {
  (msg: string): void;
  (obj: object, msg?: string): void;
}

export interface PluginLogger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): PluginLogger;
}
