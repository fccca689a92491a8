/** One option of a plugin CLI command, in commander's syntax: `--date <YYYY-MM-DD>`, `--dry-run`. */
export interface CliOption {
  flags: string;
  description: string;
  default?: string | boolean;
}

/** A progress bar in a terminal (a no-op line printer when output is not a TTY). */
export interface CliProgress {
  /** Starts (or restarts) with a total and a label. */
  start(total: number, label?: string): void;
  /** Moves to `value` (and a new total, when the amount of work grew). */
  update(value: number, total?: number, label?: string): void;
  stop(): void;
}

export interface CliIo {
  /** A line on stdout (the summary). */
  print(line: string): void;
  /** A line on stderr (warnings). */
  warn(line: string): void;
  progress(): CliProgress;
}

/** Parsed options, by camel-cased long name (`--dry-run` → `dryRun`); positional arguments in `args`. */
export type CliArgs = Record<string, string | boolean | undefined> & { args?: string[] };

/**
 * A command a plugin adds to the `mpanel` CLI (`ctx.cli.command` in register). Its name must start
 * with the plugin id and a colon (`billing:run`). It runs in a platform that registered and
 * migrated every plugin but serves nothing. Throw a `CliUsageError` for bad input: the CLI prints
 * its message as one line and exits 1; return a number to choose the exit code (default 0).
 */
export interface CliCommand {
  name: string;
  description: string;
  options?: CliOption[];
  run(args: CliArgs, io: CliIo): Promise<number | void> | number | void;
}

/** Bad arguments: one line on stderr, exit code 1, no stack trace. */
export class CliUsageError extends Error {}

export interface PluginCli {
  /** Declares a CLI command (register phase). */
  command(command: CliCommand): void;
}
