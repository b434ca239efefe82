import type { z } from 'zod';
import type { LaunchMode } from '../engine/model';
import type { Launch, Phase } from '../spec/schema';
import type { CommandSource } from './command-source';
import type { PhaseFields } from './phase';

/** Where a strategy's phases go around the spec's explicit `phases`. */
export interface Placement {
  before: Phase[];
  after: Phase[];
}

export interface ExpansionContext {
  launch: Launch;
  mode: LaunchMode;
  /** A complete phase: the launch's default timeouts fill in what the strategy leaves out. */
  phase(fields: PhaseFields): Phase;
  /**
   * The words a user command prints (instances, the live colour). Undefined in plan mode: a plan runs
   * nothing, so the strategy shows what will be resolved at launch instead.
   */
  commandOutput(source: CommandSource, what: string): Promise<string[] | undefined>;
}

/** One launch strategy: its spec fields (a `type` literal names it) and how it becomes engine phases. */
export interface Strategy<S extends z.ZodObject = z.ZodObject> {
  readonly schema: S;
  expand(spec: z.output<S>, ctx: ExpansionContext): Promise<Placement>;
}

/** Identity helper that keeps `expand`'s argument tied to the schema. */
export function defineStrategy<S extends z.ZodObject>(strategy: Strategy<S>): Strategy<S> {
  return strategy;
}
