import type { EventBus } from '../events/event-bus';
import { errorMessage } from '../util/errors';
import type { CheckStage, LaunchStatus } from '../events/states';
import { PhaseStates } from './state-machine';
import type { Phase } from '../phases/phase';
import type { CheckSpec } from '../checks/registry';
import type { Launch } from '../spec/schema';
import { bindCheck } from '../checks/registry';
import type { CheckContext, CheckLaunch, CheckOutcome } from '../checks/check';
import { planContext } from './check-context';
import { HealthCheckFailures } from '../checks/health-failures';
import { healthCheckFailureLimit } from '../metrics/definition/thresholds';
import { describeResult, runCommand } from '../exec/run-command';
import { exitRecordPath, trackingTag } from '../exec/process-tracking';
import { phaseEnv } from './phase-env';
import { applyTrafficStep, type TrafficStep } from '../routers/traffic-step';
import type { RouterContext } from '../routers/router';

export type OutputSink = (phase: string, stream: 'stdout' | 'stderr', line: string) => void;

export interface EngineOptions {
  launch: Launch;
  bus: EventBus;
  /** What checks need of the launch, its metric providers included (runner/check-launch.ts). */
  checks: CheckLaunch;
  /** Launch variables and LAUNCH_* context; every command and check sees them. */
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** Cancellation (workflow cancelled). Its reason ('SIGINT'/'SIGTERM') is forwarded to the running command. */
  signal?: AbortSignal;
  output: OutputSink;
  /** Records progress before each step, so another process (the post step) can carry on from it. */
  journal?: EngineJournal;
  /** Tags commands (process-tracking) and says where rollbacks leave their exit status. */
  tracking?: { id: string; dir: string };
}

/**
 * Awaited before the step it records. A phase whose start cannot be recorded does not start, and the
 * launch fails closed; a rollback that cannot be recorded still runs (the undo gets its chance), with a warning.
 */
export interface EngineJournal {
  phaseStarting(phase: string): void | Promise<void>;
  rollbackStarting(phase: string): void | Promise<void>;
  rollbackFinished(phase: string, ok: boolean): void | Promise<void>;
}

export interface LaunchResult {
  status: LaunchStatus;
  failedPhase?: string;
  reason?: string;
  /** True when the run was cancelled mid-way: rollback is left to the post step. */
  cancelled: boolean;
  durationMs: number;
  states: Record<string, string>;
  /** What failed within a failure budget (phase ids, or the budget's subject such as an instance's update phase). */
  toleratedFailures: string[];
}

interface PhaseOutcome {
  ok: boolean;
  reason?: string;
  /** The phase's start could not be recorded: it did not start, and the launch rolls back whatever its options. */
  unrecorded?: boolean;
  /** A check breached a launch-wide threshold: no failure budget tolerates it. */
  thresholdBreach?: boolean;
}

const CANCELLED = 'cancelled: the workflow run was cancelled';

/** Groups consecutive phases that share a `batch` (they run side by side); others run alone. */
function consecutiveBatches(phases: readonly Phase[]): Phase[][] {
  const batches: Phase[][] = [];
  for (const phase of phases) {
    const last = batches.at(-1);
    if (phase.batch !== undefined && last?.[0]?.batch === phase.batch) last.push(phase);
    else batches.push([phase]);
  }
  return batches;
}

/**
 * Runs phases in order — gates, then the command (with watches alongside), then verifications — and
 * on a failure rolls back every started phase in reverse. It reports through the bus only.
 */
export class LaunchEngine {
  private readonly states: PhaseStates;
  private readonly started = performance.now();
  /** Phases that reached their command (their gates passed, their start journaled): only these have anything to undo. */
  private readonly reachedCommand = new Set<string>();
  private readonly toleratedFailures: string[] = [];
  private readonly healthFailures: HealthCheckFailures;

  constructor(private readonly options: EngineOptions) {
    this.healthFailures = new HealthCheckFailures(healthCheckFailureLimit(options.launch));
    this.states = new PhaseStates(
      options.launch.phases.map((phase) => phase.id),
      (phase, from, to) => options.bus.emit({ type: 'phase.state', phase, from, to }),
    );
  }

  /** Phases in reverse order, for undoing; those that never reached their command are reported, not run. */
  private async undo(phases: readonly Phase[], reason: string): Promise<string[]> {
    return this.rollback([...phases].reverse(), reason, (phase) => this.reachedCommand.has(phase.id));
  }

  async launch(): Promise<LaunchResult> {
    const startedPhases: Phase[] = [];
    const failuresByGroup = new Map<string, number>();
    for (const batch of consecutiveBatches(this.options.launch.phases)) {
      if (this.options.signal?.aborted)
        return this.finish('failed', { failedPhase: startedPhases.at(-1)?.id, reason: CANCELLED, cancelled: true });
      startedPhases.push(...batch);
      const outcomes = await Promise.all(batch.map((phase) => this.runPhase(phase)));
      const failures = batch.map((phase, i) => ({ phase, outcome: outcomes[i]! })).filter(({ outcome }) => !outcome.ok);
      const fatal = failures.find(
        ({ phase, outcome }) => outcome.unrecorded || outcome.thresholdBreach || !this.tolerated(phase, failuresByGroup),
      );
      if (!fatal) continue;
      const { phase, outcome } = fatal;
      if (this.options.signal?.aborted) return this.finish('failed', { failedPhase: phase.id, reason: CANCELLED, cancelled: true });
      // A start that could not be journaled fails closed, whatever rollback_on_failure says.
      if (!phase.rollbackOnFailure && !outcome.unrecorded) return this.finish('failed', { failedPhase: phase.id, reason: outcome.reason });
      const rollbackFailures = await this.undo(startedPhases, `phase '${phase.id}' failed: ${outcome.reason}`);
      if (rollbackFailures.length === 0) return this.finish('rolled_back', { failedPhase: phase.id, reason: outcome.reason });
      return this.finish('rollback_failed', {
        failedPhase: phase.id,
        reason: `${outcome.reason}; then ${describeRollbackFailures(rollbackFailures)}`,
      });
    }
    return this.finish('succeeded', {});
  }

  /** Counts a failure against its phase's budget; true while the group is still within it. */
  private tolerated(phase: Phase, failuresByGroup: Map<string, number>): boolean {
    const budget = phase.failureBudget;
    if (!budget || this.options.signal?.aborted) return false;
    const count = (failuresByGroup.get(budget.group) ?? 0) + 1;
    failuresByGroup.set(budget.group, count);
    if (count > budget.maxFailures) return false;
    const subject = budget.subject ?? phase.id;
    if (!this.toleratedFailures.includes(subject)) this.toleratedFailures.push(subject);
    this.options.bus.warn(
      'engine',
      `phase '${phase.id}' failed; tolerated (${count} of ${budget.maxFailures} allowed failures in '${budget.group}')`,
    );
    return true;
  }

  /** Every phase's (or the given phases') rollback, in reverse order: by hand, or after an interrupted launch. */
  async rollbackOnly(phaseIds: readonly string[] | undefined, reason: string): Promise<LaunchResult> {
    const wanted = phaseIds ? new Set(phaseIds) : undefined;
    const phases = this.options.launch.phases.filter((phase) => !wanted || wanted.has(phase.id)).reverse();
    const failures = await this.rollback(phases, reason);
    return this.finish(
      failures.length === 0 ? 'rolled_back' : 'rollback_failed',
      failures.length === 0 ? {} : { reason: describeRollbackFailures(failures) },
    );
  }

  private finish(status: LaunchStatus, detail: { failedPhase?: string; reason?: string; cancelled?: boolean }): LaunchResult {
    const durationMs = performance.now() - this.started;
    const toleratedFailures = [...this.toleratedFailures];
    this.options.bus.emit({
      type: 'launch.finished',
      status,
      failedPhase: detail.failedPhase,
      reason: detail.reason,
      durationMs,
      toleratedFailures,
    });
    return {
      status,
      failedPhase: detail.failedPhase,
      reason: detail.reason,
      cancelled: detail.cancelled ?? false,
      durationMs,
      states: this.states.snapshot(),
      toleratedFailures,
    };
  }

  private async runPhase(phase: Phase): Promise<PhaseOutcome> {
    const { bus } = this.options;
    const begun = performance.now();
    bus.emit({ type: 'phase.started', phase: phase.id });

    // Aborted on timeout, on a breached watch, or on cancellation; every check and command listens.
    const phaseAbort = new AbortController();
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, phaseAbort.signal]) : phaseAbort.signal;
    const timer = setTimeout(() => phaseAbort.abort('timeout'), phase.timeoutMs);
    const abortReason = (): string =>
      this.options.signal?.aborted
        ? CANCELLED
        : phaseAbort.signal.reason === 'timeout'
          ? `timed out after ${phase.timeoutMs} ms`
          : String(phaseAbort.signal.reason);

    let commandFinished!: () => void;
    const commandDone = new Promise<void>((resolve) => (commandFinished = resolve));
    let watches: Promise<PhaseOutcome> | undefined;

    const outcome = await (async (): Promise<PhaseOutcome> => {
      this.states.move(phase.id, 'validating');
      const gates = await this.runChecks(phase, 'gate', phase.gates, signal, commandDone);
      if (!gates.ok) return signal.aborted ? { ok: false, reason: abortReason() } : gates;

      try {
        await this.options.journal?.phaseStarting(phase.id);
      } catch (error) {
        return { ok: false, unrecorded: true, reason: `its start could not be recorded (${errorMessage(error)}), so it did not start` };
      }
      this.reachedCommand.add(phase.id);
      this.states.move(phase.id, 'executing');
      // A breached watch aborts the whole phase (its command and the other watches) at once.
      watches = this.runChecks(phase, 'watch', phase.watch, signal, commandDone, phaseAbort);
      const command = await this.runPhaseCommand(phase, signal);
      commandFinished();
      if (!command.ok) return signal.aborted ? { ok: false, reason: abortReason() } : command;

      this.states.move(phase.id, 'verifying');
      const verify = await this.runChecks(phase, 'verify', phase.verify, signal, commandDone);
      if (!verify.ok) return signal.aborted ? { ok: false, reason: abortReason() } : verify;
      // The phase timeout bounds the work, not the bake: watches may keep measuring past it.
      clearTimeout(timer);
      const watched = await watches;
      return watched.ok || !signal.aborted || this.options.signal?.aborted ? watched : { ok: false, reason: abortReason() };
    })();

    clearTimeout(timer);
    commandFinished();
    if (!outcome.ok) {
      // Stop any watch still measuring, and wait for it so no check outlives its phase.
      phaseAbort.abort(outcome.reason);
      await watches;
      this.states.move(phase.id, 'failed');
      bus.emit({ type: 'phase.failed', phase: phase.id, reason: outcome.reason ?? 'failed', durationMs: performance.now() - begun });
    } else {
      this.states.move(phase.id, 'verified');
      bus.emit({ type: 'phase.verified', phase: phase.id, durationMs: performance.now() - begun });
    }
    return outcome;
  }

  private async runPhaseCommand(phase: Phase, signal: AbortSignal): Promise<PhaseOutcome> {
    if (phase.traffic) {
      const shifted = await this.runTraffic(phase, 'run', phase.traffic, phase.timeoutMs, signal);
      if (!shifted.ok) return shifted;
    }
    if (!phase.run) return { ok: true };
    const result = await this.execute(phase, 'run', phase.run, phase.timeoutMs, signal);
    if (result.exitCode === 0 && !result.timedOut && !result.cancelled) return { ok: true };
    const last = result.tail.filter((line) => line.trim()).at(-1);
    return { ok: false, reason: `command ${describeResult(result, phase.timeoutMs)}${last ? `: ${last}` : ''}` };
  }

  /** A router's shift, in-process; the router's own commands run as the phase's would (tracked, logged). */
  private async runTraffic(
    phase: Phase,
    kind: 'run' | 'rollback',
    step: TrafficStep,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<PhaseOutcome> {
    const bounded = signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    const log = (line: string) => this.options.output(phase.id, 'stdout', `[router] ${line}`);
    const ctx: RouterContext = {
      env: phaseEnv(this.options.env, phase, kind),
      cwd: phase.workingDirectory ?? this.options.cwd,
      signal: bounded,
      log,
      run: async (command, env) => {
        const result = await this.execute(phase, kind, command, timeoutMs, bounded, { env: { ...ctx.env, ...env }, recordExit: false });
        if (result.exitCode === 0 && !result.timedOut && !result.cancelled) return result.tail;
        const last = result.tail.filter((line) => line.trim()).at(-1);
        throw new Error(`\`${command}\` ${describeResult(result, timeoutMs)}${last ? `: ${last}` : ''}`);
      },
    };
    try {
      log(await applyTrafficStep(step, ctx));
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `traffic: ${errorMessage(error)}` };
    }
  }

  /**
   * A router's commands pass their own `env`, and leave no exit record: one of several commands in a
   * reset must not tell the post step that the whole reset finished. Resets are idempotent; it runs them again.
   */
  private async execute(
    phase: Phase,
    kind: 'run' | 'rollback',
    command: string,
    timeoutMs: number,
    signal?: AbortSignal,
    { env = phaseEnv(this.options.env, phase, kind), recordExit = true }: { env?: Record<string, string>; recordExit?: boolean } = {},
  ) {
    const { tracking } = this.options;
    const result = await runCommand({
      trackingTag: tracking && trackingTag(tracking.id, kind, phase.id),
      exitFile: tracking && kind === 'rollback' && recordExit ? exitRecordPath(tracking.dir, phase.id) : undefined,
      command,
      env,
      cwd: phase.workingDirectory ?? this.options.cwd,
      timeoutMs,
      signal,
      graceMs: this.options.launch.kill_grace,
      onLine: (stream, line) => this.options.output(phase.id, stream, line),
    });
    this.options.bus.emit({
      type: 'command.finished',
      phase: phase.id,
      kind,
      command,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      cancelled: result.cancelled,
      durationMs: result.durationMs,
    });
    return result;
  }

  /**
   * Runs one stage's checks side by side; the stage passes only if every check passes. The first
   * failure decides, and aborts `stop` (the stage's siblings; for watches, the whole phase) at that
   * moment: no verdict waits for the other checks to end. They are still awaited, briefly, so that
   * no check outlives its stage.
   */
  private async runChecks(
    phase: Phase,
    stage: CheckStage,
    checks: readonly CheckSpec[],
    signal: AbortSignal,
    commandDone: Promise<void>,
    stop = new AbortController(),
  ): Promise<PhaseOutcome> {
    if (!checks.length) return { ok: true };
    const stageSignal = AbortSignal.any([signal, stop.signal]);
    let first: PhaseOutcome | undefined;
    await Promise.all(
      checks.map(async (check) => {
        const outcome = await this.runCheck(phase, stage, check, stageSignal, commandDone);
        if (outcome.passed || first || signal.aborted) return;
        first = { ok: false, reason: `${stage} '${check.name}' failed: ${outcome.message}`, thresholdBreach: outcome.thresholdBreach };
        stop.abort(first.reason);
      }),
    );
    // Stopped from outside (timeout, cancel): no check's verdict counts, and the stage did not pass.
    if (!first && signal.aborted) return { ok: false, reason: `${stage} stopped before it finished` };
    return first ?? { ok: true };
  }

  private async runCheck(
    phase: Phase,
    stage: CheckStage,
    check: CheckSpec,
    signal: AbortSignal,
    commandDone: Promise<void>,
  ): Promise<CheckOutcome> {
    const { bus } = this.options;
    const bound = bindCheck(check);
    const begun = performance.now();
    const ctx: CheckContext = {
      ...planContext(this.options.checks, phase, stage, check.name, this.options.env, this.options.cwd),
      signal,
      log: (line) => this.options.output(phase.id, 'stdout', `[${check.name}] ${line}`),
      emit: (event) => bus.emit(event),
      commandDone,
      healthFailures: this.healthFailures,
    };
    let outcome: CheckOutcome;
    try {
      // A check that throws (a bug, a provider surprise) fails: nothing unexplained counts as a pass.
      outcome = bound ? await bound.run(ctx) : { passed: false, message: `unknown check type '${check.type}'` };
    } catch (error) {
      outcome = { passed: false, message: `check error: ${errorMessage(error)}` };
    }
    if (signal.aborted && outcome.passed && stage !== 'watch') outcome = { passed: false, message: 'aborted before it finished' };
    bus.emit({
      type: 'check.result',
      phase: phase.id,
      stage,
      check: check.name,
      checkType: check.type,
      passed: outcome.passed,
      message: outcome.message,
      value: outcome.value,
      threshold: outcome.threshold,
      durationMs: performance.now() - begun,
    });
    return outcome;
  }

  /**
   * A phase's undo: its traffic back to stable, confirmed by the router's read-back (a reset that
   * leaves traffic on the canary fails, saying where it is), then its rollback command, then the
   * checks that confirm the command took.
   */
  private async undoPhase(phase: Phase): Promise<{ ok: boolean; error?: string }> {
    if (phase.rollbackTraffic) {
      const reset = await this.runTraffic(phase, 'rollback', phase.rollbackTraffic, phase.rollbackTimeoutMs);
      if (!reset.ok) return { ok: false, error: `rollback ${reset.reason}` };
    }
    if (phase.rollback) {
      const result = await this.execute(phase, 'rollback', phase.rollback, phase.rollbackTimeoutMs);
      const last = result.tail.filter((line) => line.trim()).at(-1);
      if (result.exitCode !== 0 || result.timedOut)
        return { ok: false, error: `rollback ${describeResult(result, phase.rollbackTimeoutMs)}${last ? `: ${last}` : ''}` };
    }
    // Verified like a step: an undo whose result does not show (a kill switch that changed nothing) failed.
    const verified = await this.runChecks(
      phase,
      'rollback',
      phase.rollbackVerify,
      AbortSignal.timeout(phase.rollbackTimeoutMs),
      Promise.resolve(),
    );
    return verified.ok ? { ok: true } : { ok: false, error: verified.reason };
  }

  /** A rollback's journal entry; failing to write it is loud but does not hold the undo back. */
  private async record(phase: Phase, save: () => void | Promise<void>): Promise<void> {
    try {
      await save();
    } catch (error) {
      this.options.bus.warn('journal', `could not record the rollback progress of phase '${phase.id}': ${errorMessage(error)}`);
    }
  }

  /**
   * Rolls back `phases` in the order given; a failing step is reported and the rest still run, except
   * after a failed traffic undo (reset, switch-back, kill switch): what sits beneath live traffic is
   * then held, not undone, since scaling down or migrating down under it turns the failure into an
   * outage. A phase for which `ran` is false never started its command: it is reported "not started",
   * nothing run. Returns each failed or held step as "phase 'id': error", so the outcome says what is
   * still not undone (for a router, where traffic still is).
   */
  private async rollback(phases: readonly Phase[], reason: string, ran: (phase: Phase) => boolean = () => true): Promise<string[]> {
    const { bus } = this.options;
    bus.emit({ type: 'rollback.started', phases: phases.map((phase) => phase.id), reason });
    const failed: string[] = [];
    const failures: string[] = [];
    let trafficStuckAt: string | undefined;
    for (const phase of phases) {
      const begun = performance.now();
      if (!ran(phase)) {
        bus.emit({ type: 'rollback.phase', phase: phase.id, ok: true, skipped: true, notStarted: true, durationMs: 0 });
        continue;
      }
      this.states.move(phase.id, 'rolling_back');
      if (!phase.rollback && !phase.rollbackTraffic) {
        await this.record(phase, () => this.options.journal?.rollbackFinished(phase.id, true));
        this.states.move(phase.id, 'rolled_back');
        bus.emit({ type: 'rollback.phase', phase: phase.id, ok: true, skipped: true, durationMs: 0 });
        continue;
      }
      // Rollback is not cancellable from here: the undo must get its chance even while the run stops.
      await this.record(phase, () => this.options.journal?.rollbackStarting(phase.id));
      const { ok, error } = trafficStuckAt
        ? {
            ok: false,
            error:
              `held, not undone: traffic is not back where it was (rollback of phase '${trafficStuckAt}' failed)` +
              `, and this phase may be serving it`,
          }
        : await this.undoPhase(phase);
      if (!ok && !trafficStuckAt && movesTraffic(phase)) trafficStuckAt = phase.id;
      await this.record(phase, () => this.options.journal?.rollbackFinished(phase.id, ok));
      this.states.move(phase.id, ok ? 'rolled_back' : 'rollback_failed');
      if (!ok) {
        failed.push(phase.id);
        failures.push(`phase '${phase.id}': ${error ?? 'rollback failed'}`);
      }
      bus.emit({ type: 'rollback.phase', phase: phase.id, ok, skipped: false, error, durationMs: performance.now() - begun });
    }
    bus.emit({ type: 'rollback.finished', ok: failed.length === 0, failed });
    return failures;
  }
}

/** A phase whose undo returns traffic or exposure (a router's reset, a confirmed switch-back or kill switch). */
function movesTraffic(phase: Phase): boolean {
  return Boolean(phase.traffic || phase.rollbackTraffic) || phase.rollbackVerify.length > 0;
}

function describeRollbackFailures(failures: readonly string[]): string {
  return `rollback failed at ${failures.join('; ')}`;
}
