// Before a live broker writes anything: can its storePathRootDir be its store? The directory must
// be writable (or creatable), and what it already holds must look like a RocketMQ store: only
// RocketMQ's entries (commitlog, consumequeue, index, config, checkpoint, abort, lock), CommitLog
// files named by their 20-digit start offset, a multiple of the file size, none larger than it and
// each starting with a record or a blank (or zeros, as a preallocated file does), and a 4 KB
// checkpoint. Anything else is "a store written by something else", refused by name.
// Not checked: the bytes past each CommitLog file's first record (recovery reads those).
import fs from 'node:fs';
import path from 'node:path';
import { BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE } from '../core/store/commit-log-record.ts';

const ROCKETMQ_ENTRIES = new Set([
  'commitlog',
  'consumequeue',
  'index',
  'config',
  'checkpoint',
  'abort',
  'lock',
]);
const CHECKPOINT_SIZE = 4096;

/** Why `root` cannot be this broker's store, or undefined if it can. */
export function storeDirProblem(root: string, mappedFileSizeCommitLog: number): string | undefined {
  const existing = nearestExisting(root);
  if (existing !== root) return writable(existing) ? undefined : `${existing} is not writable`;
  if (!fs.statSync(root).isDirectory()) return `${root} is not a directory`;
  if (!writable(root)) return `${root} is not writable`;
  const foreign = fs.readdirSync(root).filter((name) => !ROCKETMQ_ENTRIES.has(name));
  if (foreign.length > 0) return `${root} holds ${foreign.slice(0, 3).join(', ')}: not a RocketMQ store`;
  return commitLogProblem(path.join(root, 'commitlog'), mappedFileSizeCommitLog) ?? checkpointProblem(root);
}

function nearestExisting(dir: string): string {
  let d = dir;
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function commitLogProblem(dir: string, fileSize: number): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!/^\d{20}$/.test(name)) return `${file}: not a CommitLog file name (20 digits, its start offset)`;
    if (Number(name) % fileSize !== 0)
      return `${file}: its offset is not a multiple of mappedFileSizeCommitLog (${fileSize})`;
    const size = fs.statSync(file).size;
    if (size > fileSize) return `${file}: ${size} bytes, larger than mappedFileSizeCommitLog (${fileSize})`;
    if (size >= 8 && !startsLikeCommitLog(file)) return `${file}: does not start with a CommitLog record`;
  }
  return undefined;
}

function startsLikeCommitLog(file: string): boolean {
  const head = Buffer.alloc(8);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 8, 0);
  } finally {
    fs.closeSync(fd);
  }
  const magic = head.readInt32BE(4);
  return magic === MESSAGE_MAGIC_CODE || magic === BLANK_MAGIC_CODE || head.every((b) => b === 0);
}

function checkpointProblem(root: string): string | undefined {
  const file = path.join(root, 'checkpoint');
  if (!fs.existsSync(file)) return undefined;
  const size = fs.statSync(file).size;
  return size === CHECKPOINT_SIZE
    ? undefined
    : `${file}: ${size} bytes, not a ${CHECKPOINT_SIZE}-byte checkpoint`;
}
