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
