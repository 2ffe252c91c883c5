import { existsSync, statSync } from "node:fs";
import path from "node:path";

/** What the unshare fallback needs to know of one command: its folders, the user it drops to, and its network. */
export interface UnshareSetting {
  cwd: string;
  /** The run's folder, the toolchains' folders and the download cache: what the command must reach. */
  shown: { readOnly: string[]; readWrite: string[] };
  /** The unprivileged user the command runs as, when the agent runs as root. */
  user?: { uid: number; gid: number };
  network: boolean;
}

/** Whether a user with no supplementary groups may enter a folder (the search bit that applies to it). */
function searchable(folder: string, user: { uid: number; gid: number }): boolean {
  const { mode, uid, gid } = statSync(folder);
  if (uid === user.uid) return (mode & 0o100) !== 0;
  if (gid === user.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/** The highest folder above `folder` that the user cannot enter (root's 0700 home above pyenv's Python), if any. */
function closedAncestor(folder: string, user: { uid: number; gid: number }): string | undefined {
  const parts = folder.split(path.sep).filter(Boolean);
  for (let depth = 1; depth < parts.length; depth++) {
    const ancestor = path.sep + parts.slice(0, depth).join(path.sep);
    if (!searchable(ancestor, user)) return ancestor;
  }
  return undefined;
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** dash, Debian's sh, redirects only the descriptors 3 to 9. */
const firstDescriptor = 3;
const lastDescriptor = 9;

/**
 * Shell commands, run as root in the new mount namespace, that let the unprivileged user reach the folders it
 * must see when one lies under a folder it cannot enter. Each such closed folder is opened, covered with an
 * empty tmpfs (so the rest of it, a home's files, is hidden), and the needed folders are bound back through the
 * open descriptor: the covered tree is reachable only that way. `mount --no-canonicalize` keeps the
 * /proc/self/fd path as given; resolved, it would name the new, empty folder.
 */
export function reachThroughClosedFolders(shown: UnshareSetting["shown"], user: { uid: number; gid: number }): string[] {
  const entries = [...shown.readOnly.map((folder) => ({ folder, readOnly: true })), ...shown.readWrite.map((folder) => ({ folder, readOnly: false }))].filter((entry) => existsSync(entry.folder));
  const covered = new Map<string, number>();
  const commands: string[] = [];
  const binds: string[] = [];
  for (const { folder, readOnly } of entries) {
    const closed = closedAncestor(folder, user);
    if (!closed) continue;
    if (!covered.has(closed)) {
      const descriptor = firstDescriptor + covered.size;
      if (descriptor > lastDescriptor) throw new Error(`the unshare sandbox cannot show folders under more than ${lastDescriptor - firstDescriptor + 1} closed folders`);
      covered.set(closed, descriptor);
      commands.push(`exec ${descriptor}<${quote(closed)}`);
    }
    const through = `/proc/self/fd/${covered.get(closed)}/${path.relative(closed, folder)}`;
    binds.push(`mkdir -p ${quote(folder)}`, `mount --no-canonicalize --bind ${quote(through)} ${quote(folder)}`);
    if (readOnly) binds.push(`mount --no-canonicalize -o remount,bind,ro ${quote(folder)}`);
  }
  if (covered.size === 0) return [];
  for (const closed of covered.keys()) commands.push(`mount -t tmpfs -o mode=0755 tmpfs ${quote(closed)}`);
  return [...commands, ...binds, ...[...covered.values()].map((descriptor) => `exec ${descriptor}<&-`)];
}

/**
 * The fallback where bubblewrap does not work: new PID and mount namespaces for every phase (nothing outlives
 * the command), and a new network namespace with only loopback up unless the install phase asked for the
 * network. It does not hide the host as bubblewrap does; it only makes the toolchains reachable for the
 * sandbox user where they live under a closed home, and hides the rest of that home.
 */
export function unshareArguments(setting: UnshareSetting): string[] {
  const steps = ["umask 022"];
  if (setting.user) steps.push(...reachThroughClosedFolders(setting.shown, setting.user));
  // A fresh network namespace has loopback down; generated HTTP tests listen on 127.0.0.1.
  if (!setting.network) steps.push("ip link set lo up");
  // The working folder was entered before the mounts; enter it again so it is the one the mounts show.
  steps.push(`cd ${quote(setting.cwd)}`, 'exec "$@"');
  return ["unshare", "-m", "-p", "-f", "--kill-child", ...(setting.network ? [] : ["-n"]), "--", "sh", "-c", steps.join(" && "), "sandbox"];
}
