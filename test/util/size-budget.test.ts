import { describe, expect, it } from 'vitest';
import { characters, fitParts, type BudgetPart } from '../../src/util/size-budget';

const rows = (n: number): string[] => Array.from({ length: n }, (_, i) => `| row ${String(i).padStart(2, '0')} |`);

describe('fitParts', () => {
  const parts: BudgetPart[] = [
    { name: 'outcome', priority: 0, blocks: ['# Outcome'] },
    { name: 'rows', priority: 1, head: ['| h |', '| - |'], blocks: rows(20), pinned: new Set([19]), elided: (left) => `| ${left} more |` },
    { name: 'chart', priority: 2, whole: true, blocks: ['```mermaid', 'x'.repeat(100), '```'] },
  ];

  it('leaves text that fits as it is', () => {
    const fitted = fitParts(parts, 10_000, characters);
    expect(fitted.left).toEqual([]);
    expect(fitted.rendered.join('\n')).toBe(['# Outcome', '| h |', '| - |', ...rows(20), '```mermaid', 'x'.repeat(100), '```'].join('\n'));
  });

  it('keeps priority 0, then pinned and first rows in order with an elision row, and drops a whole part that no longer fits', () => {
    const fitted = fitParts(parts, 120, characters);
    const text = fitted.rendered.filter((part) => part !== undefined).join('\n');
    expect(text.length).toBeLessThanOrEqual(120);
    expect(fitted.rendered[2]).toBeUndefined();
    expect(text).toMatch(/^# Outcome\n\| h \|\n\| - \|\n\| row 00 \|\n(\| row \d\d \|\n)*\| row 19 \|\n\| \d+ more \|$/);
    expect(fitted.left).toEqual([`${20 - fitted.kept[1]!} of 20 rows`, 'the chart']);
  });
});
