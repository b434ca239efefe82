import type { LaunchEvent, Subscriber } from '../events/event-bus';
import { formatDuration } from '../util/duration';
import { finishedWords } from '../events/launch-text';
import { singleLine } from '../util/single-line';

/** Where progress lines go: workflow commands in the action, the terminal in the CLI. */
export interface Printer {
  info(line: string): void;
  warning(line: string): void;
  error(line: string): void;
  startGroup(title: string): void;
  endGroup(): void;
  /** Hides a secret found after start-up (a credential in the spec's vars) from the log, where there is one. */
  mask?(secret: string): void;
}

/** Prints the launch as it happens: one collapsible group per phase, then the rollback and outcome. */
export class ConsoleLog implements Subscriber {
  readonly name = 'console';
  private names = new Map<string, string>();
  private openGroup = false;

  private readonly printer: Printer;

  constructor(printer: Printer) {
    // Annotations and group titles are escaped by the runner protocol; plain lines are folded here.
    this.printer = { ...printer, info: (line) => printer.info(singleLine(line)) };
  }

  onEvent(event: LaunchEvent): void {
    const p = this.printer;
    switch (event.type) {
      case 'launch.started':
        this.names = new Map(event.phases.map((phase) => [phase.id, phase.name]));
        p.info(
          `🚀 ${event.mode} → ${event.environment}${event.version ? ` (version ${event.version})` : ''}` +
            `: ${event.phases.length} phase(s)`,
        );
        break;
      case 'phase.started':
        this.open(`▶ ${this.label(event.phase)}`);
        break;
      case 'check.result':
        p.info(`${event.passed ? '✔' : '✖'} ${event.stage} ${event.check}: ${event.message}`);
        break;
      case 'command.finished':
        if (event.kind === 'run')
          p.info(`command finished in ${formatDuration(event.durationMs)} (exit ${event.exitCode ?? event.signal})`);
        break;
      case 'phase.verified':
        this.close();
        p.info(`✅ ${this.label(event.phase)} verified in ${formatDuration(event.durationMs)}`);
        break;
      case 'phase.failed':
        this.close();
        p.error(`❌ ${this.label(event.phase)} failed: ${event.reason}`);
        break;
      case 'rollback.started':
        p.warning(`↩ rolling back ${event.phases.join(' → ')} (${event.reason})`);
        break;
      case 'rollback.phase':
        if (event.notStarted) p.info(`↩ ${this.label(event.phase)}: not started, nothing to undo`);
        else if (event.skipped) p.info(`↩ ${this.label(event.phase)}: nothing to undo`);
        else if (event.ok) p.info(`↩ ${this.label(event.phase)} rolled back in ${formatDuration(event.durationMs)}`);
        else p.error(`‼ ROLLBACK FAILED for ${this.label(event.phase)}: ${event.error}`);
        break;
      case 'rollback.finished':
        if (!event.ok) p.error(`‼ rollback incomplete: ${event.failed.join(', ')} could not be undone; manual action needed`);
        break;
      case 'warning':
        p.warning(`${event.source}: ${event.message}`);
        break;
      case 'launch.finished': {
        this.close();
        const { icon, label } = finishedWords(event.status, event.toleratedFailures);
        const tolerated =
          event.status === 'succeeded' && event.toleratedFailures?.length
            ? ` (failed, tolerated: ${event.toleratedFailures.join(', ')})`
            : '';
        p.info(
          `${icon} launch ${label} in ${formatDuration(event.durationMs)}` +
            `${event.failedPhase ? ` (failed phase: ${event.failedPhase})` : ''}${tolerated}`,
        );
        break;
      }
      default:
        break;
    }
  }

  private label(id: string): string {
    const name = this.names.get(id);
    return name && name !== id ? `${name} [${id}]` : id;
  }

  private open(title: string): void {
    this.close();
    this.printer.startGroup(title);
    this.openGroup = true;
  }

  private close(): void {
    if (this.openGroup) this.printer.endGroup();
    this.openGroup = false;
  }
}
