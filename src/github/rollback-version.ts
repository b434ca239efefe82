import { DeploymentsApi } from './deployments-api';
import { findRollbackPoint } from './deployment-history';
import type { RepoClient } from './client';
import type { RunContext } from './run-context';

export interface RollbackVersion {
  /** The version to go back to. */
  version: string;
  /** The deployment that version comes from. */
  deploymentId: number;
  /** The deployment being undone, for the log; the deployment notifier marks it `inactive`. */
  undoes?: { deploymentId: number; version?: string };
}

/**
 * For `mode: rollback` without a previous-version: the version of the last successful deployment of
 * the environment before the one being undone (see findRollbackPoint for the rules). Undefined
 * without a GitHub client (no token) or when the history holds no such deployment; throws when GitHub
 * cannot be read, so that the caller can say why before rolling back without a version.
 */
export async function resolveRollbackVersion(
  github: RepoClient | undefined,
  environment: string,
  run: RunContext,
): Promise<RollbackVersion | undefined> {
  if (!github) return undefined;
  const { undoes, returnsTo } = await findRollbackPoint(new DeploymentsApi(github), environment, run);
  const version = returnsTo?.payload.version;
  if (!returnsTo || !version) return undefined;
  return { version, deploymentId: returnsTo.id, undoes: undoes && { deploymentId: undoes.id, version: undoes.payload.version } };
}
