export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export interface Progress {
  /** Replaces the progress line (TTY) or prints it (with --progress elsewhere). */
  update(line: string): void;
  /** Ends the progress line. */
  done(): void;
}

/**
 * Progress of a long operation on stderr, only where a person watches (a TTY) or when asked
 * with --progress: logs and pipes stay free of it otherwise. On a TTY one line is rewritten.
 */
export function progressOn(io: CliIo, requested: boolean | undefined): Progress {
  const tty = io.stderr.isTTY === true;
  if (!tty && !requested) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update: (line) => {
      shown = true;
      io.stderr.write(tty ? `\r\u001b[2K${line}` : `${line}\n`);
    },
    done: () => {
      if (tty && shown) io.stderr.write('\n');
    },
  };
}
