/**
 * One leveled logger with subsystem tags for everything that runs in Node.
 *
 * Lines look like `2026-12-03T12:00:00.000Z INFO [engine] message`. They go to stderr (so a
 * CLI's `--json` stdout stays clean) and, once `setLogFile` is called, to a file in the data
 * directory too. Messages may be lazy (a function) so that debug formatting costs nothing when
 * the level filters it out.
 */
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVEL_RANK: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

type Message = string | (() => string);

interface LoggerState {
  level: LogLevel;
  file: string | null;
  sink: ((line: string) => void) | null;
}

const state: LoggerState = {
  level: parseLevel(process.env.GRAFT_LOG_LEVEL) ?? 'info',
  file: null,
  sink: null,
};

function parseLevel(value: string | undefined): LogLevel | null {
  if (value === undefined) return null;
  return value in LEVEL_RANK ? (value as LogLevel) : null;
}

export function setLogLevel(level: LogLevel): void {
  state.level = level;
}

/**
 * A program's own default level (the CLI's is `warn`: a script wants its output, not the
 * workbench's INFO lines); GRAFT_LOG_LEVEL, when set to a level, still wins.
 */
export function setDefaultLogLevel(level: LogLevel): void {
  if (parseLevel(process.env.GRAFT_LOG_LEVEL) === null) state.level = level;
}

export function getLogLevel(): LogLevel {
  return state.level;
}

/** Also append every line to this file (the data directory's graft.log). */
export function setLogFile(path: string | null): void {
  state.file = path;
}

/** Replace stderr as the console sink (tests capture lines with this). */
export function setLogSink(sink: ((line: string) => void) | null): void {
  state.sink = sink;
}

export interface Logger {
  debug(message: Message): void;
  info(message: Message): void;
  warn(message: Message): void;
  error(message: Message, cause?: unknown): void;
}

function write(
  level: Exclude<LogLevel, 'silent'>,
  tag: string,
  message: Message,
  cause?: unknown,
): void {
  if (LEVEL_RANK[level] < LEVEL_RANK[state.level]) return;

  const text = typeof message === 'function' ? message() : message;
  const detail = cause instanceof Error ? `\n${cause.stack ?? cause.message}` : '';
  const line = `${new Date().toISOString()} ${level.toUpperCase()} [${tag}] ${text}${detail}`;

  if (state.sink) state.sink(line);
  else process.stderr.write(line + '\n');
  if (state.file) {
    try {
      appendFileSync(state.file, line + '\n');
    } catch {
      state.file = null; // an unwritable log file must not take the app down with it
    }
  }
}

export function logger(tag: string): Logger {
  return {
    debug: (m) => write('debug', tag, m),
    info: (m) => write('info', tag, m),
    warn: (m) => write('warn', tag, m),
    error: (m, cause) => write('error', tag, m, cause),
  };
}
