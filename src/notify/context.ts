import type { LaunchMode } from '../events/states';
import { secretsOf, type Settings } from '../settings/inputs';
import type { RunContext } from '../github/run-context';
import type { NotifyConfig } from './schema';
import { createRedactor } from '../util/redactor';
import { defaultGitHubPacing, repoClient, type GitHubPacing, type RepoClient } from '../github/client';
import { defaultRetryPolicy, type HttpOptions, type NotifierRetrySettings } from '../http/json-client';
import type { LaunchFacts } from '../events/launch-view';

/** What the notifiers read of the launch: who and where, and its `notify` block (a spec's Launch is one). */
export interface NotifiedLaunch {
  name?: string;
  service?: string;
  environment: string;
  environment_url?: string;
  notify: NotifyConfig;
}

export interface NotifierContext {
  launch: NotifiedLaunch;
  settings: Settings;
  run: RunContext;
  mode: LaunchMode;
  version?: string;
  previousVersion?: string;
  /** sha256 of the spec file's text, for deployment payloads (worked out only if one is sent). */
  specDigest: () => string;
  /** Masks secrets in everything sent and warned; defaults to masking the secret inputs in `settings`. */
  redact?: (text: string) => string;
  /** Retry bounds and the clock to wait on; tests make the waits instant. */
  retry?: Partial<NotifierRetrySettings>;
  /** How the GitHub client waits on rate limits and spaces writes; tests shrink the waits. */
  githubPacing?: Partial<GitHubPacing>;
}

export function httpOptions(ctx: NotifierContext): HttpOptions {
  return { policy: { ...defaultRetryPolicy, ...ctx.retry }, redact: ctx.redact ?? createRedactor(secretsOf(ctx.settings)) };
}

/** The repository's REST client, when there is a token and a repository to talk about. */
export function githubRepo(ctx: NotifierContext, http: HttpOptions): RepoClient | undefined {
  const { token } = ctx.settings.github;
  const { owner, repo, apiUrl } = ctx.run;
  return token && owner && repo
    ? repoClient({ apiUrl, token, owner, repo }, { ...defaultGitHubPacing, ...ctx.githubPacing }, http.redact)
    : undefined;
}

export function launchFacts(ctx: NotifierContext): LaunchFacts {
  return {
    service: ctx.launch.service ?? ctx.launch.name ?? ctx.run.repo ?? 'launch',
    environment: ctx.launch.environment,
    mode: ctx.mode,
    version: ctx.version,
    previousVersion: ctx.previousVersion,
    environmentUrl: ctx.launch.environment_url,
    actor: ctx.run.actor,
    runUrl: ctx.run.runUrl,
  };
}

/** The pull request that triggered the run, if one did. */
export function pullRequestOf(run: RunContext): { number: number; headSha?: string } | undefined {
  if (run.eventName !== 'pull_request' && run.eventName !== 'pull_request_target') return undefined;
  const pr = run.event.pull_request as { number?: unknown; head?: { sha?: unknown } } | undefined;
  const number = pr?.number ?? run.event.number;
  if (typeof number !== 'number') return undefined;
  return { number, headSha: typeof pr?.head?.sha === 'string' ? pr.head.sha : undefined };
}
