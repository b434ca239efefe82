import type { z } from 'zod';
import type { EventInput } from '../events/event-bus';
import type { CheckStage } from '../events/states';
import type { MetricDefinition } from '../metrics/definition/schema';
import type { LaunchProviders } from '../metrics/providers/launch-providers';
import type { HealthCheckFailures } from './health-failures';

/** What checks need to know about the launch, gathered once per launch (runner/check-launch.ts). */
export interface CheckLaunch {
  /** The spec's launch.base_url: where relative endpoints resolve. */
  base_url?: string;
  service?: string;
  environment: string;
  /** The spec's vars, overridden by the `vars` input. */
  vars: Readonly<Record<string, string>>;
  version?: string;
  previousVersion?: string;
  /** launch.metrics, a preset's and thresholds' included. */
  metrics: Readonly<Record<string, MetricDefinition>>;
  /** The launch's metric providers, built once from launch.providers and the credential inputs. */
  providers: LaunchProviders;
}

/** What every check sees while it plans or runs. */
export interface PlanContext {
  launch: CheckLaunch;
  phase: string;
  stage: CheckStage;
  /** The check's display name (its `name`, else its type). */
  name: string;
  /** Launch variables and LAUNCH_* context: the scope for `${NAME}` templates and command environments. */
  env: Readonly<Record<string, string>>;
  cwd: string;
}

export interface CheckContext extends PlanContext {
  /** Aborted on phase timeout or cancellation; a check must stop promptly and report a failure. */
  signal: AbortSignal;
  log(line: string): void;
  /** For measurements and warnings a check wants in the report and notifications. */
  emit(event: EventInput): void;
  /** For watches: settles when the phase's own command has finished (a bake period then follows). */
  commandDone: Promise<void>;
  /** The launch's failed health-check attempts, against rollback_threshold.health_check_failures. */
  healthFailures: HealthCheckFailures;
}

export interface CheckOutcome {
  passed: boolean;
  /** Says what was measured against what ("GET http://x/health → 503, expected 200 (3 of 3 tries)"). */
  message: string;
  value?: number;
  threshold?: string;
  /** A launch-wide rollback_threshold was breached: the launch rolls back, whatever a failure budget tolerates. */
  thresholdBreach?: boolean;
}

export interface CheckPlan {
  /** One line: what will be checked, with templates filled in. */
  summary: string;
  /** What the check lacks to run (a relative URL with no base URL, a missing variable...). */
  problems: string[];
}

/** One kind of check (validator). Each kind lives in its own file and is listed in the registry. */
export interface CheckKind<S extends z.ZodObject = z.ZodObject, T extends string = string> {
  readonly type: T;
  readonly description: string;
  /**
   * Its configuration fields; they may sit flat on the check or under `config:` (the template's form).
   * Lazy: a spec without checks never builds the check kinds' schemas.
   */
  readonly config: z.ZodLazy<S>;
  plan(config: z.output<S>, ctx: PlanContext): CheckPlan;
  run(config: z.output<S>, ctx: CheckContext): Promise<CheckOutcome>;
}

/** Identity helper that keeps the config type tied to the schema, and the `type` a literal. */
export function defineCheck<S extends z.ZodObject, T extends string>(kind: CheckKind<S, T>): CheckKind<S, T> {
  return kind;
}
