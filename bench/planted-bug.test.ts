// The planted bugs stay plantable: each applies to today's core/ exactly once (a patch whose text
// moved is caught here, not halfway through a suite run), and a patch that does not is refused.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished, expect, test } from 'vitest';
import { applyPlanted, loadPlanted, patchProblem, type PlantedBug } from './planted-bug.ts';

const ROOT = resolve(import.meta.dirname, '..');
const bugs = await loadPlanted(join(ROOT, 'bench/planted'));

test('at least 25 planted bugs, spread over store, HA, broker and client, each named once', () => {
  expect(bugs.length).toBeGreaterThanOrEqual(25);
  expect(new Set(bugs.map((b) => b.area))).toEqual(new Set(['store', 'ha', 'broker', 'client']));
  expect(new Set(bugs.map((b) => b.name)).size).toBe(bugs.length);
  for (const bug of bugs) expect(bug.rocketmq.length, bug.name).toBeGreaterThan(40);
});

test.each(bugs.map((b) => [b.name, b] as const))('%s applies to core/ exactly once', (_name, bug) => {
  expect(patchProblem(ROOT, bug)).toBeUndefined();
});

test('a patch whose text is missing or repeated is refused, and the file is left as it was', () => {
  const root = mkdtempSync(join(tmpdir(), 'planted-test-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'core'));
  const file = join(root, 'core/x.ts');
  writeFileSync(file, 'a < b;\na < b;\nc < d;\n');
  const bug = (find: string): PlantedBug => ({
    name: 'x',
    area: 'store',
    file: 'core/x.ts',
    find,
    replace: 'z',
    rocketmq: '',
  });
  expect(() => applyPlanted(root, bug('a < b;'))).toThrow(/2 times \(exactly once needed\)/);
  expect(() => applyPlanted(root, bug('e < f;'))).toThrow(/0 times/);
  expect(readFileSync(file, 'utf8')).toBe('a < b;\na < b;\nc < d;\n');
  applyPlanted(root, bug('c < d;'));
  expect(readFileSync(file, 'utf8')).toBe('a < b;\na < b;\nz\n');
});
