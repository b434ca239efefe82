import type { z } from 'zod';
import type { Phase, PhaseDefaults, PhaseFields } from '../phases/phase';
import type { CommandSource } from './command-source';

/** Where a strategy's phases go around the spec's explicit `phases`. */
export interface Placement {
  before: Phase[];
  after: Phase[];
}

export interface ExpansionContext {
  /** How many phases the spec gives besides the strategy's. */
  explicitPhases: number;
  /** The launch's default limits, for phases whose limit is a wait plus a command's. */
  defaults: PhaseDefaults;
  /** A complete phase: the launch's default timeouts fill in what the strategy leaves out. */
  phase(fields: PhaseFields): Phase;
}

export interface ResolveContext {
  /** Runs a user command that names a strategy's targets and returns the words it printed. */
  read: (source: CommandSource, what: string) => Promise<string[]>;
  /** A rollback re-resolves after the launch changed things: what a command prints may have moved on. */
  mode: 'launch' | 'rollback';
}

/** One launch strategy: its spec fields (a `type` literal names it) and how it becomes engine phases. */
export interface Strategy<S extends z.ZodObject = z.ZodObject> {
  /** What `strategy.type` names it: the `type` literal of its schema. */
  readonly type: string;
  /** Lazy, as check configs are: a spec without a strategy never builds the strategies' schemas. */
  readonly schema: z.ZodLazy<S>;
  /**
   * Replaces the spec's `{command}` sources with what the commands print (the instances, the live
   * colour). Runs before a launch or rollback, never for a plan: a plan shows the commands instead.
   */
  resolve?(spec: z.output<S>, ctx: ResolveContext): Promise<z.output<S>>;
  expand(spec: z.output<S>, ctx: ExpansionContext): Placement;
  /** The numbers the strategy resolved from the spec (batch size, tolerated failures...), for the plan. */
  describe?(spec: z.output<S>): string;
}

/** Identity helper that keeps `resolve` and `expand` tied to the schema. */
export function defineStrategy<S extends z.ZodObject>(strategy: Strategy<S>): Strategy<S> {
  return strategy;
}
