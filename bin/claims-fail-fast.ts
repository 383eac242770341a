// `rmqsim claims --fail-fast [--baseline claims.json]`: stop the matrix at its first surprise, for
// a change checked against the matrix (a CI job, a planted bug). A surprise is a cell refuted that
// was not refuted in the baseline (without one: a cell whose claim RocketMQ promises, a FINDING),
// or a lesson that fails and did not fail in the baseline. The baseline is the `--json` result (or
// claims.json) of an earlier `rmqsim claims`: its findings and the refutations RocketMQ does not
// promise against are expected, so they do not stop the run. A stopped matrix writes nothing.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CLAIM_CELLS } from '../scenarios/claims-matrix.ts';
import type { LessonVerdict } from '../scenarios/lessons.ts';
import type { CellSeedAnswer } from '../scenarios/verdict.ts';
import { UsageError } from './options.ts';

/** What an earlier matrix refuted and which lessons failed in it. */
export interface ClaimsBaseline {
  readonly refuted: ReadonlySet<string>;
  readonly failedLessons: ReadonlySet<string>;
}

/** The first thing the matrix judged that the baseline did not lead to expect. */
export interface Surprise {
  kind: 'cell' | 'lesson';
  /** The cell's id or the lesson's scenario. */
  name: string;
  seed: number;
  /** What broke: the property, or the lesson's verdict. */
  what: string;
  explanation: string;
}

const baselineSchema = z.object({
  claims: z.array(z.object({ cell: z.string(), verdict: z.enum(['holds', 'refuted']) })),
  lessons: z.array(z.object({ scenario: z.string(), verdict: z.string() })),
});

/** Reads `--baseline FILE`; a file that is not a claims result is bad input naming the flag. */
export function readBaseline(path: string): ClaimsBaseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --baseline ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--baseline ${path} is not JSON (give the --json result of \`rmqsim claims\`)`);
  }
  const parsed = baselineSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`--baseline ${path} is not the --json result of \`rmqsim claims\``);
  }
  return {
    refuted: new Set(parsed.data.claims.filter((c) => c.verdict === 'refuted').map((c) => c.cell)),
    failedLessons: new Set(parsed.data.lessons.filter((l) => l.verdict !== 'holds').map((l) => l.scenario)),
  };
}

const PROMISED = new Map(CLAIM_CELLS.map((cell) => [cell.id, cell.promised]));

/** The cell seed as a surprise, if it refuted what the baseline (or RocketMQ's promise) says holds. */
export function cellSurprise(
  cell: string,
  answer: CellSeedAnswer,
  baseline: ClaimsBaseline | undefined,
): Surprise | undefined {
  const cx = answer.counterexample;
  if (cx === null) return undefined;
  const expected = baseline === undefined ? PROMISED.get(cell) !== true : baseline.refuted.has(cell);
  if (expected) return undefined;
  return { kind: 'cell', name: cell, seed: cx.seed, what: cx.property, explanation: cx.explanation };
}

/** The lesson as a surprise, if it failed where the baseline's did not. */
export function lessonSurprise(
  verdict: LessonVerdict,
  baseline: ClaimsBaseline | undefined,
): Surprise | undefined {
  if (verdict.verdict === 'holds' || baseline?.failedLessons.has(verdict.scenario) === true) return undefined;
  const missed = verdict.broken.length > 0 ? verdict.broken : verdict.notShown;
  return {
    kind: 'lesson',
    name: verdict.scenario,
    seed: verdict.seed,
    what: verdict.verdict,
    explanation: `${verdict.verdict}: ${missed.join(', ')} (replay: ${verdict.replay})`,
  };
}

/** The first surprise reported, as a promise; later ones are ignored. */
export function firstSurprise(): { report: (s: Surprise | undefined) => void; first: Promise<Surprise> } {
  let resolve: (s: Surprise) => void = () => {};
  let seen = false;
  const first = new Promise<Surprise>((r) => (resolve = r));
  return {
    first,
    report(surprise) {
      if (surprise === undefined || seen) return;
      seen = true;
      resolve(surprise);
    },
  };
}

export function surpriseText(s: Surprise, judged: number): string {
  const where =
    s.kind === 'cell'
      ? `cell ${s.name} refuted at seed ${s.seed}`
      : `lesson ${s.name} failed at seed ${s.seed}`;
  return (
    `fail-fast: ${where} (${s.what}): ${s.explanation}\n` +
    `stopped after ${judged} cell seeds; nothing written (run without --fail-fast for the whole matrix).`
  );
}
