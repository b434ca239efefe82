import type { DeploymentsApi, LaunchDeployment } from './deployments-api';

/** What a rollback undoes and the deployment it returns to, read off the environment's history. */
export interface RollbackPoint {
  undoes?: LaunchDeployment;
  returnsTo?: LaunchDeployment;
}

export interface RunIdentity {
  runId?: string;
  runAttempt?: string;
}

export interface HistoryLimits {
  pages: number;
  perPage: number;
  /** Each deployment costs a request for its statuses; a long run of failed launches stops here. */
  statusLookups: number;
}

const DEFAULT_LIMITS: HistoryLimits = { pages: 3, perPage: 100, statusLookups: 50 };

/** True for the deployment this very run (and attempt) created. */
export function isFromRun(deployment: LaunchDeployment, run: RunIdentity): boolean {
  return run.runId !== undefined && deployment.payload.run_id === run.runId && deployment.payload.run_attempt === run.runAttempt;
}

/**
 * Walks the environment's launch-action deployments, newest first:
 * - the rollback undoes this run's own launch if it made one (the post step after a cancelled
 *   launch), else the deployment that is live now: the newest that reached `success`;
 * - it returns to the newest older deployment that reached `success` with another version (going
 *   back to the same version would change nothing), skipping any that a manual rollback undid.
 */
export async function findRollbackPoint(
  api: DeploymentsApi,
  environment: string,
  run: RunIdentity,
  limits: HistoryLimits = DEFAULT_LIMITS,
): Promise<RollbackPoint> {
  const undone = { ids: new Set<number>(), versions: new Set<string>() };
  let undoes: LaunchDeployment | undefined;
  let lookups = 0;
  for (let page = 1; page <= limits.pages; page++) {
    const { deployments, more } = await api.listLaunches(environment, page, limits.perPage);
    for (const deployment of deployments) {
      const { payload } = deployment;
      if (!undoes && isFromRun(deployment, run)) {
        undoes = deployment;
        continue;
      }
      if (undone.ids.has(deployment.id) || (payload.version && undone.versions.has(payload.version))) continue;
      // Once the undone deployment is known, only another version (or a rollback, which may undo
      // one) is worth its statuses request.
      const otherVersion = payload.version !== undefined && payload.version !== undoes?.payload.version;
      if (undoes && !otherVersion && payload.rolled_back_deployment === undefined) continue;
      if (++lookups > limits.statusLookups) return { undoes };
      if (!(await api.states(deployment.id)).includes('success')) continue;
      if (payload.rolled_back_deployment !== undefined) {
        undone.ids.add(payload.rolled_back_deployment);
        if (payload.previous_version) undone.versions.add(payload.previous_version);
      }
      if (!undoes) undoes = deployment;
      else if (otherVersion) return { undoes, returnsTo: deployment };
    }
    if (!more) break;
  }
  return { undoes };
}
