/**
 * Fits markdown made of parts into a size limit (GitHub refuses a step summary over 1 MiB and a
 * comment over 65,536 characters, and then shows nothing at all). Parts are kept by priority, never
 * cut inside: a part's head and tail (a heading, a table header, a fence) go with its first block or
 * not at all, and its blocks (table rows, sections, lines of a fenced text) are kept or dropped whole.
 */
export interface BudgetPart {
  /** How the note names what was left out of it, e.g. `phase table rows`. */
  name: string;
  /** Lower claims room first; 0 is always kept. */
  priority: number;
  head?: readonly string[];
  blocks: readonly string[];
  tail?: readonly string[];
  /** Blocks that claim room before the others of the part (the failing phase's row). */
  pinned?: ReadonlySet<number>;
  /** Between blocks: '\n' for rows and lines, '\n\n' for sections. */
  separator?: string;
  /** Either every block or none (a chart cut short would mislead). */
  whole?: boolean;
  /** Text put after the kept blocks when some were left out, e.g. an elision row saying how many. */
  elided?(left: number): string;
}

export interface Fitted {
  /** Each part as kept, at its index; undefined when all of it was left out. */
  rendered: (string | undefined)[];
  /** How many blocks of each part were kept, at its index. */
  kept: number[];
  /** What was left out, one phrase per part, e.g. `2,800 of 3,000 phase table rows`. */
  left: string[];
}

export type Measure = (text: string) => number;

export const utf8Bytes: Measure = (text) => Buffer.byteLength(text, 'utf8');
export const characters: Measure = (text) => text.length;

/**
 * Keeps what fits in `limit`, leaving `reserve` for the note the caller adds (built from `left`).
 * The caller joins the rendered parts with newlines, in their order.
 */
export function fitParts(parts: readonly BudgetPart[], limit: number, measure: Measure, reserve = 0): Fitted {
  const all = parts.map(render);
  if (measure(all.join('\n')) <= limit) return { rendered: all, kept: parts.map((part) => part.blocks.length), left: [] };

  let room = limit - reserve;
  const kept = parts.map(() => new Set<number>());
  const order = parts.map((part, index) => ({ part, index })).sort((a, b) => a.part.priority - b.part.priority);
  for (const { part, index } of order) {
    const frame =
      measure([...(part.head ?? []), ...(part.tail ?? [])].join('\n')) + 1 + measure(part.elided?.(part.blocks.length) ?? '') + 2;
    const cost = (block: string): number => measure(block) + measure(part.separator ?? '\n');
    if (part.whole || part.priority === 0) {
      const total = frame + part.blocks.reduce((sum, block) => sum + cost(block), 0);
      if (part.priority === 0 || total <= room) {
        part.blocks.forEach((_, at) => kept[index]!.add(at));
        room -= total;
      }
      continue;
    }
    if (frame > room) continue;
    let used = frame;
    const wanted = [...(part.pinned ?? [])].concat(part.blocks.map((_, at) => at).filter((at) => !part.pinned?.has(at)));
    for (const at of wanted) {
      const more = cost(part.blocks[at]!);
      if (used + more > room) break;
      kept[index]!.add(at);
      used += more;
    }
    if (kept[index]!.size) room -= used;
  }

  const left: string[] = [];
  const rendered = parts.map((part, index) => {
    const blocks = part.blocks.filter((_, at) => kept[index]!.has(at));
    const dropped = part.blocks.length - blocks.length;
    if (dropped)
      left.push(
        blocks.length
          ? `${dropped.toLocaleString('en-US')} of ${part.blocks.length.toLocaleString('en-US')} ${part.name}`
          : `the ${part.name}`,
      );
    if (!blocks.length && part.blocks.length) return undefined;
    return render({ ...part, blocks: dropped && part.elided ? [...blocks, part.elided(dropped)] : blocks });
  });
  return { rendered, kept: kept.map((set) => set.size), left };
}

function render(part: BudgetPart): string {
  const body = part.blocks.length ? [part.blocks.join(part.separator ?? '\n')] : [];
  return [...(part.head ?? []), ...body, ...(part.tail ?? [])].join('\n');
}
