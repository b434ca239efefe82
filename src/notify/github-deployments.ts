import type { EventOf, LaunchEvent } from '../events/event-bus';
import { LaunchNotifier } from './launch-notifier';
import type { DeploymentsApi, DeploymentState, LaunchDeployment, LaunchPayload } from '../github/deployments-api';
import { findRollbackPoint, isFromRun, type RunIdentity } from '../github/deployment-history';
import type { LaunchView } from '../events/launch-view';
import { headline, outcomeText } from '../events/launch-text';
import type { WorkQueue } from './work-queue';

export interface DeploymentSetup {
  /** The commit deployed: the PR head on pull requests, else GITHUB_SHA. */
  ref?: string;
  run: RunIdentity;
  specDigest: () => string;
  /** PR environments come and go: GitHub then marks the deployment transient. */
  transient: boolean;
}

/**
 * Records the launch as a GitHub Deployment of its environment: `in_progress` at the start, then
 * `success`, or `failure` (followed by `inactive` once rolled back). A manual rollback records a
 * deployment of the version it returns to and marks the deployment it undid `inactive`; the post
 * step's rollback after a cancelled launch marks that launch's own deployment instead.
 */
export class DeploymentNotifier extends LaunchNotifier {
  readonly name = 'github-deployments';
  private deployment?: number;
  private undoes?: LaunchDeployment;
  private undoesOwnLaunch = false;

  constructor(
    private readonly api: DeploymentsApi,
    private readonly setup: DeploymentSetup,
    view: LaunchView,
    queue: WorkQueue,
  ) {
    super(view, queue);
  }

  protected react(event: LaunchEvent): void {
    if (event.type === 'launch.started')
      this.queue.add(() => (event.mode === 'rollback' ? this.startRollback(event) : this.startLaunch(event)));
    else if (event.type === 'launch.finished') this.queue.add(() => this.finish());
  }

  private async startLaunch(event: EventOf<'launch.started'>): Promise<void> {
    await this.create(event, { version: event.version, previous_version: event.previousVersion }, this.setup.ref);
  }

  private async startRollback(event: EventOf<'launch.started'>): Promise<void> {
    const { undoes, returnsTo } = await findRollbackPoint(this.api, event.environment, this.setup.run);
    this.undoes = undoes;
    if (undoes && isFromRun(undoes, this.setup.run)) {
      this.undoesOwnLaunch = true;
      this.deployment = undoes.id;
      return this.status('in_progress', `Rolling back the interrupted launch of ${headline(this.view)}`);
    }
    // Deploy the commit the returned-to version came from, when the history knows it.
    const ref = returnsTo && returnsTo.payload.version === event.previousVersion ? returnsTo.sha : this.setup.ref;
    const versions = {
      version: event.previousVersion,
      previous_version: undoes?.payload.version ?? event.version,
      rolled_back_deployment: undoes?.id,
    };
    await this.create(event, versions, ref);
  }

  private async create(
    event: EventOf<'launch.started'>,
    versions: Pick<LaunchPayload, 'version' | 'previous_version' | 'rolled_back_deployment'>,
    ref: string | undefined,
  ): Promise<void> {
    if (!ref) throw new Error('no commit to deploy (GITHUB_SHA is not set): no deployment recorded');
    const { run, specDigest, transient } = this.setup;
    const payload: LaunchPayload = {
      tool: 'launch-action',
      mode: event.mode === 'rollback' ? 'rollback' : 'launch',
      launch_id: event.launchId,
      ...versions,
      spec_digest: specDigest(),
      phases: event.phases.map((phase) => phase.id),
      run_id: run.runId,
      run_attempt: run.runAttempt,
    };
    const description = headline(this.view);
    this.deployment = await this.api.create({ ref, environment: event.environment, description, payload, transientEnvironment: transient });
    await this.status('in_progress', `${event.mode === 'rollback' ? 'Rolling back' : 'Launching'}: ${description}`);
  }

  private async finish(): Promise<void> {
    if (this.deployment === undefined) return;
    const { progress, facts } = this.view;
    const summary = outcomeText(this.view);
    if (progress === 'succeeded') return this.status('success', summary);
    if (progress !== 'rolled_back') return this.status('failure', summary);
    if (facts.mode === 'launch') {
      await this.status('failure', summary);
      return this.status('inactive', 'Rolled back');
    }
    if (this.undoesOwnLaunch) return this.status('inactive', 'Rolled back after the launch was interrupted');
    await this.status('success', `Rolled back to ${facts.previousVersion ?? 'the previous version'}`);
    if (this.undoes) await this.status('inactive', `Rolled back to ${facts.previousVersion ?? 'the previous version'}`, this.undoes.id);
  }

  private status(state: DeploymentState, description: string, id = this.deployment!): Promise<void> {
    const { runUrl, environmentUrl } = this.view.facts;
    return this.api.setStatus(id, { state, description, logUrl: runUrl, environmentUrl });
  }
}
