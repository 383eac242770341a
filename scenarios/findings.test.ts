// The matrix's findings stay found: each cell that refutes a promised claim does so at seed 1,
// and for the reason README's "What the harness has found" gives. Today: a power loss soon after
// an IndexFile filled (the checkpoint claimed ConsumeQueue entries still in the page cache).
import { describe, expect, test } from 'vitest';
import { CLAIM_CELLS } from './claims-matrix.ts';
import { runScenario } from './runner.ts';

const cells = CLAIM_CELLS.filter((c) => c.fault === 'index-roll-power-loss');

describe('a power loss soon after an IndexFile filled', () => {
  test('has a cell for cq-rebuild under both flush types and for not-lost under SYNC_FLUSH, all promised', () => {
    expect(cells.map((c) => `${c.claim} ${c.config.flushDiskType} ${c.promised}`).sort()).toEqual([
      'cq-rebuild ASYNC_FLUSH true',
      'cq-rebuild SYNC_FLUSH true',
      'not-lost SYNC_FLUSH true',
    ]);
  });

  test.each(cells.map((c) => [c.id, c] as const))('%s is refuted at seed 1', (_, cell) => {
    const result = runScenario(cell.scenario, { seed: 1 });
    const broken = result.checks.filter((c) => cell.properties.includes(c.property) && !c.holds);
    // The claim's own property breaks; the answers' promises held (a SYNC_FLUSH SEND_OK left with
    // its record flushed): what is lost is lost after the answer.
    expect(broken.map((c) => c.property)).toEqual([cell.properties[0]]);
    if (cell.claim === 'cq-rebuild') {
      expect(broken[0]!.examples[0]).toMatch(
        /broker-a-master: (ConsumeQueue myTopic\/\d+ offset \d+ points to a record of|the record at CommitLog offset \d+ .* was dispatched, but its ConsumeQueue has)/,
      );
    } else {
      expect(broken[0]!.examples[0]).toMatch(
        /acknowledged \(SEND_OK\)[\s\S]*never can: it is stored at broker-a\/\d+ offset \d+, behind the group's position/,
      );
    }
  });
});
