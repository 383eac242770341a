// `claims --fail-fast`: what counts as a surprise (a refutation or failed lesson the baseline, or
// RocketMQ's promise, does not lead to expect), and the command stopping at the first one.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLAIM_CELLS } from '../scenarios/claims-matrix.ts';
import type { LessonVerdict } from '../scenarios/lessons.ts';
import type { CellSeedAnswer, Counterexample } from '../scenarios/verdict.ts';
import { cellSurprise, firstSurprise, lessonSurprise, type ClaimsBaseline } from './claims-fail-fast.ts';
import { rmqsim, tmp } from './cli-test-helpers.ts';

const promised = CLAIM_CELLS.find((c) => c.promised)!.id;
const notPromised = CLAIM_CELLS.find((c) => !c.promised)!.id;
const cx = { seed: 3, property: 'lost', explanation: 'message k-7 was lost' } as Counterexample;
const refutedAt3: CellSeedAnswer = { seed: 3, counterexample: cx, probes: [] };
const held: CellSeedAnswer = { seed: 3, counterexample: null, probes: [] };
const none: ClaimsBaseline = { refuted: new Set(), failedLessons: new Set() };

function lesson(verdict: LessonVerdict['verdict']): LessonVerdict {
  const notShown = verdict === 'not shown' ? (['duplicated'] as const) : [];
  const broken = verdict === 'violated' ? (['lost'] as const) : [];
  return {
    scenario: 'quick-start',
    seed: 1,
    broken: [...broken],
    notShown: [...notShown],
    verdict,
    replay: 'r',
    probes: [],
  };
}

describe('a surprise', () => {
  test('without a baseline: a refuted promised cell is one, an unpromised one is not', () => {
    expect(cellSurprise(promised, refutedAt3, undefined)).toMatchObject({
      kind: 'cell',
      name: promised,
      seed: 3,
      what: 'lost',
    });
    expect(cellSurprise(notPromised, refutedAt3, undefined)).toBeUndefined();
    expect(cellSurprise(promised, held, undefined)).toBeUndefined();
  });

  test('with a baseline: any cell it did not refute, promised or not; not one it refuted', () => {
    expect(cellSurprise(notPromised, refutedAt3, none)).toMatchObject({ name: notPromised });
    const expected: ClaimsBaseline = { refuted: new Set([promised]), failedLessons: new Set() };
    expect(cellSurprise(promised, refutedAt3, expected)).toBeUndefined();
  });

  test('a lesson that fails, unless it failed in the baseline', () => {
    expect(lessonSurprise(lesson('holds'), none)).toBeUndefined();
    expect(lessonSurprise(lesson('not shown'), none)).toMatchObject({ kind: 'lesson', what: 'not shown' });
    expect(lessonSurprise(lesson('violated'), undefined)?.explanation).toMatch(/lost/);
    const failed: ClaimsBaseline = { refuted: new Set(), failedLessons: new Set(['quick-start']) };
    expect(lessonSurprise(lesson('violated'), failed)).toBeUndefined();
  });

  test('only the first one reported is kept', async () => {
    const surprise = firstSurprise();
    surprise.report(undefined);
    surprise.report(cellSurprise(promised, refutedAt3, undefined));
    surprise.report(lessonSurprise(lesson('violated'), undefined));
    await expect(surprise.first).resolves.toMatchObject({ kind: 'cell', name: promised });
  });
});

describe('rmqsim claims --fail-fast', () => {
  test('stops at the first finding and writes nothing; a baseline that refuted it lets the run go on', () => {
    const out = join(tmp(), 'o');
    const args = ['claims', '--claim', 'cq-rebuild', '--seeds', '1', '--json', '--out', out];
    const stopped = rmqsim([...args, '--fail-fast']);
    expect(stopped.code).toBe(1);
    const { failFast } = JSON.parse(stopped.out) as { failFast: { kind: string; name: string } };
    const cell = CLAIM_CELLS.find((c) => c.id === failFast.name);
    expect(failFast.kind).toBe('cell');
    expect(cell?.promised).toBe(true);
    expect(existsSync(out)).toBe(false);

    const baseline = join(tmp(), 'baseline.json');
    const refuted = CLAIM_CELLS.filter((c) => c.claim === 'cq-rebuild').map((c) => ({
      cell: c.id,
      verdict: 'refuted',
    }));
    writeFileSync(baseline, JSON.stringify({ claims: refuted, lessons: [] }));
    const whole = rmqsim([...args, '--fail-fast', '--baseline', baseline]);
    const matrix = JSON.parse(whole.out) as {
      claims?: { cell: string; verdict: string }[];
      failFast?: unknown;
    };
    expect(matrix.failFast).toBeUndefined();
    expect(matrix.claims?.some((c) => c.cell === failFast.name && c.verdict === 'refuted')).toBe(true);
  });
});
