import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../src/metrics/definition/condition';

describe('parseCondition', () => {
  it('evaluates the brief example over result', () => {
    const condition = parseCondition('result < 0.02 && result >= 0');
    expect(condition.evaluate({ result: 0.01 })).toBe(true);
    expect(condition.evaluate({ result: 0.02 })).toBe(false);
    expect(condition.evaluate({ result: -1 })).toBe(false);
  });

  it('honours precedence: * before +, comparisons before &&, && before ||', () => {
    expect(parseCondition('1 + 2 * 3 == 7').evaluate({})).toBe(true);
    expect(parseCondition('result > 5 || result < 1 && result > 0').evaluate({ result: 0.5 })).toBe(true);
    expect(parseCondition('(result > 5 || result < 1) && result > 0').evaluate({ result: -3 })).toBe(false);
    expect(parseCondition('!(result > 1)').evaluate({ result: 0 })).toBe(true);
    expect(parseCondition('-result >= -2').evaluate({ result: 2 })).toBe(true);
  });

  it('reads exponents and abs(), and compares against baseline', () => {
    const condition = parseCondition('abs(result - baseline) <= 1e-2');
    expect(condition.evaluate({ result: 0.105, baseline: 0.1 })).toBe(true);
    expect(condition.evaluate({ result: 0.2, baseline: 0.1 })).toBe(false);
    expect([...condition.variables]).toEqual(['result', 'baseline']);
  });

  it('rejects what is not in the grammar, so nothing can run code', () => {
    expect(() => parseCondition('process.exit(1)')).toThrow(/unexpected "\." at 8/);
    expect(() => parseCondition('exit(1) < 2')).toThrow(/unknown name "exit"/);
    expect(() => parseCondition('result < 0.02; 1')).toThrow(/unexpected ";"/);
    expect(() => parseCondition('result')).toThrow(/must compare/);
    expect(() => parseCondition('result && 1 < 2')).toThrow(/'&&' needs comparisons/);
    expect(() => parseCondition('(result < 1')).toThrow(/expected "\)"/);
    expect(() => parseCondition('result <')).toThrow(/ends too early/);
  });

  it('fails clearly when a variable was not measured', () => {
    expect(() => parseCondition('result < baseline').evaluate({ result: 1 })).toThrow(/no baseline was measured/);
  });
});
