import type { z } from 'zod';

/**
 * Traffic between two backends of one router: `weight` percent to `canary` (a canary, or the idle
 * colour of a blue-green switch), the rest to `stable`. Names are the router's backend names.
 */
export interface Shift {
  stable: string;
  canary: string;
  weight: number;
}

/** Live weights per backend name, as the router reports them (any scale: they are compared as shares). */
export type Split = Record<string, number>;

/** What a router may use while it works. Commands go through the engine, so they are tracked and logged like phase commands. */
export interface RouterContext {
  /** Launch variables and LAUNCH_* context, plus LAUNCH_WEIGHT and the backend names of the shift. */
  env: Readonly<Record<string, string>>;
  cwd: string;
  signal?: AbortSignal;
  log(line: string): void;
  /** Runs a bash command with `env` added to the context's; rejects, naming the command, when it fails. */
  run(command: string, env: Readonly<Record<string, string>>): Promise<string[]>;
}

/** One kind of traffic router. Each lives in its own file and is listed in the registry. */
export interface TrafficRouter<S extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly description: string;
  /** Lazy, as check configs are: a spec without a router never builds the routers' schemas. */
  readonly config: z.ZodLazy<S>;
  /** The backend names the config declares; undefined when it takes any (a command router). */
  backends(config: z.output<S>): string[] | undefined;
  /** One line for the plan: what the router changes and where. */
  describe(config: z.output<S>): string;
  /** Makes the shift live; throws, saying why, when the router refused it. */
  setWeight(config: z.output<S>, shift: Shift, ctx: RouterContext): Promise<void>;
  /** The live split as the router reports it; undefined when this router cannot tell (a command router without `read_weight`). */
  readSplit(config: z.output<S>, shift: Shift, ctx: RouterContext): Promise<Split | undefined>;
}

export function defineRouter<S extends z.ZodObject>(router: TrafficRouter<S>): TrafficRouter<S> {
  return router;
}
