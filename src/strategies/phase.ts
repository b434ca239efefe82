import type { Phase } from '../spec/schema';

/** What a strategy says about one of its phases; anything left out takes the engine's usual default. */
export type PhaseFields = Pick<Phase, 'id' | 'name'> & Partial<Omit<Phase, 'id' | 'name'>>;

export interface PhaseDefaults {
  timeoutMs: number;
  rollbackTimeoutMs?: number;
}

/**
 * Builds complete phases. Expansion runs after the spec's own defaults were applied to its explicit
 * phases, so strategy phases get the same treatment here: timeout, then rollback timeout = timeout.
 */
export function phaseBuilder(defaults: PhaseDefaults): (fields: PhaseFields) => Phase {
  return (fields) => {
    const timeoutMs = fields.timeoutMs ?? defaults.timeoutMs;
    return {
      id: fields.id,
      name: fields.name,
      description: fields.description,
      run: fields.run,
      rollback: fields.rollback,
      timeoutMs,
      rollbackTimeoutMs: fields.rollbackTimeoutMs ?? defaults.rollbackTimeoutMs ?? timeoutMs,
      rollbackOnFailure: fields.rollbackOnFailure ?? true,
      gates: fields.gates ?? [],
      verify: fields.verify ?? [],
      watch: fields.watch ?? [],
      env: fields.env ?? {},
      workingDirectory: fields.workingDirectory,
      batch: fields.batch,
      failureBudget: fields.failureBudget,
      traffic: fields.traffic,
      rollbackTraffic: fields.rollbackTraffic,
      rollbackVerify: fields.rollbackVerify ?? [],
    };
  };
}

/** Makes text (an instance address, a flag key) usable inside a phase id. */
export function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '-');
}

/** One phase id per name, unique even where two names make the same id part (`a:1` and `a-1`). */
export function uniqueIds(prefix: string, names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = `${prefix}${idPart(name)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}
