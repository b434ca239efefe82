import { z } from 'zod';
import { parseJson } from '../http/json';
import { truncate } from '../util/truncate';
import { GitHubApiError, type RepoClient } from './client';

/**
 * What launch-action writes into a deployment's payload, and reads back to find the version a
 * manual rollback returns to. `tool` tells our deployments from those of other tools.
 */
export const launchPayloadSchema = z.lazy(() =>
  z.object({
    tool: z.literal('launch-action'),
    mode: z.enum(['launch', 'rollback']),
    launch_id: z.string(),
    version: z.string().optional(),
    previous_version: z.string().optional(),
    spec_digest: z.string(),
    phases: z.array(z.string()),
    /** The run and attempt that created it: the post step's rollback finds its own launch by these. */
    run_id: z.string().optional(),
    run_attempt: z.string().optional(),
    /** On a manual rollback's deployment: the deployment it undid. */
    rolled_back_deployment: z.number().int().optional(),
  }),
);
export type LaunchPayload = z.infer<typeof launchPayloadSchema>;

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface NewDeployment {
  ref: string;
  environment: string;
  description: string;
  payload: LaunchPayload;
  transientEnvironment: boolean;
}

export interface NewStatus {
  state: DeploymentState;
  description: string;
  logUrl?: string;
  environmentUrl?: string;
}

export interface LaunchDeployment {
  id: number;
  sha: string;
  payload: LaunchPayload;
}

/** GitHub limits a status description to 140 characters and rejects longer ones. */
const DESCRIPTION_MAX = 140;

export class DeploymentsApi {
  constructor(private readonly github: RepoClient) {}

  /** Creates the deployment; a 202 (GitHub merged the default branch instead) or 409 is an error that says so. */
  async create(deployment: NewDeployment): Promise<number> {
    const octokit = await this.github.octokit();
    try {
      const reply = await octokit.rest.repos.createDeployment({
        ...this.github.repo,
        ref: deployment.ref,
        environment: deployment.environment,
        description: deployment.description,
        payload: deployment.payload,
        // The launch's gates are its checks; commit statuses must not stop the record of it.
        required_contexts: [],
        auto_merge: false,
        transient_environment: deployment.transientEnvironment,
      });
      if (reply.status === 201 && 'id' in reply.data) return reply.data.id;
      const message = 'message' in reply.data ? reply.data.message : undefined;
      throw new Error(
        `GitHub created no deployment for '${deployment.environment}' (HTTP ${reply.status}: ${message ?? 'no message'})` +
          `; its statuses are skipped`,
      );
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 409) {
        throw new Error(`GitHub refused the deployment for '${deployment.environment}' (${error.detail}); its statuses are skipped`);
      }
      throw error;
    }
  }

  async setStatus(id: number, status: NewStatus): Promise<void> {
    const octokit = await this.github.octokit();
    await octokit.rest.repos.createDeploymentStatus({
      ...this.github.repo,
      deployment_id: id,
      state: status.state,
      description: truncate(status.description, DESCRIPTION_MAX),
      log_url: status.logUrl,
      environment_url: status.environmentUrl,
    });
  }

  /** One page of the environment's deployments made by launch-action, newest first. */
  async listLaunches(environment: string, page: number, perPage: number): Promise<{ deployments: LaunchDeployment[]; more: boolean }> {
    const octokit = await this.github.octokit();
    const reply = await octokit.rest.repos.listDeployments({ ...this.github.repo, environment, per_page: perPage, page });
    const deployments = reply.data.flatMap(({ id, sha, payload }) => {
      // Other tools may store the payload as a JSON string; one that does not parse is simply not ours.
      const parsed = launchPayloadSchema.safeParse(typeof payload === 'string' ? parseJson(payload) : payload);
      return parsed.success ? [{ id, sha, payload: parsed.data }] : [];
    });
    return { deployments, more: reply.data.length === perPage };
  }

  async states(id: number): Promise<DeploymentState[]> {
    const octokit = await this.github.octokit();
    const reply = await octokit.rest.repos.listDeploymentStatuses({ ...this.github.repo, deployment_id: id, per_page: 100 });
    return reply.data.map((status) => status.state);
  }
}
