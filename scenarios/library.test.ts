// The built-in scenarios hold their lessons: each parses, names are unique, and at its seed every
// guaranteed property holds while every property it demonstrates is violated, with an example
// that names a message key. The runs are deterministic; the whole file stays well under a minute.
import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS, findScenario } from './library/index.ts';
import { runScenario } from './runner.ts';
import { parseScenario } from './scenario-schema.ts';

const MESSAGE_KEY = /\bm\d+\b/;

describe('built-in scenario library', () => {
  it('parses every scenario', () => {
    for (const input of BUILT_IN_SCENARIOS) expect(() => parseScenario(input, input.name)).not.toThrow();
  });

  it('has unique names that findScenario finds', () => {
    const names = BUILT_IN_SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(findScenario(name)?.name).toBe(name);
    expect(findScenario('no-such-scenario')).toBeUndefined();
  });

  it('gives every scenario a lesson and a demonstrated property it does not guarantee', () => {
    for (const input of BUILT_IN_SCENARIOS) {
      const s = parseScenario(input, input.name);
      expect(s.lesson.teaches.length).toBeGreaterThan(10);
      for (const p of s.demonstrates) expect(s.guarantees, `${s.name}: ${p}`).not.toContain(p);
    }
  });

  for (const input of BUILT_IN_SCENARIOS) {
    it(`${input.name}: guarantees hold and demonstrations show at its seed`, () => {
      const scenario = parseScenario(input, input.name);
      const result = runScenario(scenario);
      expect(result.seed).toBe(scenario.seed);
      expect(result.stopReason).toBe('until');
      for (const property of scenario.guarantees) {
        const check = result.checks.find((c) => c.property === property);
        expect(check, `${input.name}: ${property} is checked`).toBeDefined();
        expect(check!.holds, `${input.name}: ${property} ${check!.examples.join('; ')}`).toBe(true);
      }
      for (const property of scenario.demonstrates) {
        const check = result.checks.find((c) => c.property === property);
        expect(check, `${input.name}: ${property} is checked`).toBeDefined();
        expect(check!.violations, `${input.name}: ${property} is violated`).toBeGreaterThan(0);
        expect(check!.examples[0]).toMatch(MESSAGE_KEY);
      }
      expect(result.ok).toBe(true);
    });
  }
});
