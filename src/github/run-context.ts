import { readFileSync } from 'node:fs';

/** Where this launch runs: the GitHub run (when there is one) read from the runner's environment. */
export interface RunContext {
  repository?: string;
  owner?: string;
  repo?: string;
  sha?: string;
  ref?: string;
  runId?: string;
  runAttempt?: string;
  actor?: string;
  eventName?: string;
  /** The webhook payload of the triggering event, when GITHUB_EVENT_PATH names a readable file. */
  event: Record<string, unknown>;
  serverUrl: string;
  apiUrl: string;
  /** Link to the workflow run, when known. */
  runUrl?: string;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repository = env.GITHUB_REPOSITORY || undefined;
  const [owner, repo] = repository?.split('/') ?? [];
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const runId = env.GITHUB_RUN_ID || undefined;
  return {
    repository,
    owner,
    repo,
    sha: env.GITHUB_SHA || undefined,
    ref: env.GITHUB_REF || undefined,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    actor: env.GITHUB_ACTOR || undefined,
    eventName: env.GITHUB_EVENT_NAME || undefined,
    event: readEvent(env.GITHUB_EVENT_PATH),
    serverUrl,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
  };
}

function readEvent(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
