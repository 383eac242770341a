import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import { MappedFileQueue } from './mapped-file-queue.ts';

function setup(capacityBytes = Infinity) {
  const { world, node, disk } = probeMachine({ seed: 1, disk: { dirtyExpireMs: Infinity, capacityBytes } }); // fsync alone
  return { world, node, disk: disk(), queue: new MappedFileQueue(disk(), 'log', 100) };
}

const fill = (queue: MappedFileQueue, bytes: number) => {
  while (bytes > 0) {
    const file = queue.lastForAppend()!;
    const n = Math.min(bytes, file.remaining);
    file.append(new Uint8Array(n).fill(7));
    bytes -= n;
  }
};

describe('MappedFileQueue', () => {
  test('a file takes its whole size on the disk when created; a disk without room refuses the next one', () => {
    const { queue, disk, node } = setup(250);
    fill(queue, 150);
    expect(disk.usage()).toEqual({ usedBytes: 200, capacityBytes: 250 });
    expect(node.disk.usedBytes).toBe(150);
    queue.lastForAppend()!.append(new Uint8Array(50));
    expect(queue.lastForAppend()).toBeUndefined();
    expect(queue.files.map((f) => f.fileFromOffset)).toEqual([0, 100]);
    expect(disk.list('log')).toHaveLength(2);
    queue.deleteExpired(() => true);
    expect(disk.usage().usedBytes).toBe(100);
    expect(queue.lastForAppend()?.fileFromOffset).toBe(200);
  });

  test('rolls to files named by their start offset', () => {
    const { queue, disk } = setup();
    fill(queue, 250);
    expect(disk.list('log')).toEqual([
      '00000000000000000000',
      '00000000000000000100',
      '00000000000000000200',
    ]);
    expect([queue.minOffset(), queue.maxOffset()]).toEqual([0, 250]);
    expect(queue.findByOffset(199)?.fileFromOffset).toBe(100);
    expect(queue.findByOffset(250)?.fileFromOffset).toBe(200);
    expect(queue.findByOffset(300)).toBeUndefined();
    expect(queue.findByOffset(-1)).toBeUndefined();
  });

  test('a first file starts at the file boundary below the start offset', () => {
    const { queue } = setup();
    expect(queue.lastForAppend(250)?.fileFromOffset).toBe(200);
    expect(queue.flushedWhere).toBe(200);
  });

  test('flush makes every dirty file durable and moves flushedWhere to the end', () => {
    const { world, queue, node } = setup();
    fill(queue, 250);
    let done = false;
    queue.flush(() => (done = true));
    expect(queue.flushing).toBe(true);
    world.runUntilQuiet();
    expect([done, queue.flushing, queue.flushedWhere, queue.dirtyBytes()]).toEqual([true, false, 250, 0]);
    node.powerOff();
    expect(node.disk.size('log/00000000000000000200')).toBe(50);
  });

  test('files flush in order, and flushedWhere stops at the first file not flushed to its end', () => {
    const { world, queue, node } = setup();
    fill(queue, 150);
    queue.flush();
    fill(queue, 100); // fills file 100 while file 0 flushes, and opens file 200
    world.runUntilQuiet();
    // File 100 was flushed after file 0, so it covers what was written meanwhile; file 200 was not.
    expect(queue.flushedWhere).toBe(200);
    node.powerOff();
    expect(node.disk.size('log/00000000000000000100')).toBe(100);
    expect(node.disk.exists('log/00000000000000000200')).toBe(true);
    expect(node.disk.size('log/00000000000000000200')).toBe(0);
  });

  test('load finds the files and their sizes, and reports a gap', () => {
    const { queue, disk } = setup();
    fill(queue, 250);
    const again = new MappedFileQueue(disk, 'log', 100);
    expect(again.load()).toBe(true);
    expect(again.files.map((f) => f.wrotePosition)).toEqual([100, 100, 50]);
    disk.delete('log/00000000000000000100');
    expect(new MappedFileQueue(disk, 'log', 100).load()).toBe(false);
  });

  test('truncateDirtyFiles cuts inside a file and deletes the files after it', () => {
    const { queue, disk } = setup();
    fill(queue, 250);
    queue.truncateDirtyFiles(130);
    expect(disk.list('log')).toEqual(['00000000000000000000', '00000000000000000100']);
    expect([queue.maxOffset(), disk.size('log/00000000000000000100')]).toEqual([130, 30]);
    queue.truncateDirtyFiles(100);
    expect(disk.list('log')).toEqual(['00000000000000000000']);
    expect(queue.maxOffset()).toBe(100);
  });

  test('deleteExpired removes files from the front but never the last', () => {
    const { queue, disk } = setup();
    fill(queue, 250);
    const deleted = queue.deleteExpired(() => true);
    expect(deleted.map((f) => f.fileFromOffset)).toEqual([0, 100]);
    expect(disk.list('log')).toEqual(['00000000000000000200']);
    expect(queue.minOffset()).toBe(200);
  });
});
