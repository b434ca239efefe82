import type { Redact } from '../util/redactor';
import type { createOctokit } from './octokit';

export interface RepoTarget {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
}

/** Octokit (`@actions/github`) with the retry and throttling plugins. */
export type GitHubClient = ReturnType<typeof createOctokit>;

/** How the client waits on GitHub. Tests shrink the waits; nothing else should need to. */
export interface GitHubPacing {
  /** Real milliseconds per second of every wait: what GitHub asks for (retry-after, the limit's reset) and the retry backoff. */
  msPerSecond: number;
  /** A secondary limit that names no `retry-after`: GitHub says to wait at least a minute. */
  secondaryFallbackSeconds: number;
  /** Between two writes (POST, PATCH, DELETE) of the whole process: GitHub asks for at least a second. */
  writeSpacingMs: number;
  /** A limit that lifts later than this is reported instead of waited out (nothing could be sent meanwhile). */
  maxWaitSeconds: number;
  /** Tries after the first on a 5xx or no answer (1, 4, 9… s apart), and rate-limit waits per request. */
  retries: number;
  /** Per try, so that a hung GitHub cannot hold the launch's flush. */
  timeoutMs: number;
}

// 2 retries of 5 s tries, 1 s and 4 s apart: a hung GitHub costs 20 s, inside the 25 s a queue gets to flush.
export const defaultGitHubPacing: GitHubPacing = {
  msPerSecond: 1000,
  secondaryFallbackSeconds: 60,
  writeSpacingMs: 1000,
  maxWaitSeconds: 15 * 60,
  retries: 2,
  timeoutMs: 5000,
};

/** GitHub's answer to a request, once the retries and rate-limit waits are spent; `status` is undefined when nothing answered. */
export class GitHubApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    /** "HTTP 409: <GitHub's message>", or why nothing answered */
    readonly detail: string,
  ) {
    super(`GitHub ${method} ${path}: ${detail}`);
  }
}

/** One repository's REST API: the client, loaded on first use, and the `owner`/`repo` every call names. */
export interface RepoClient {
  repo: { owner: string; repo: string };
  octokit(): Promise<GitHubClient>;
}

export function repoClient(target: RepoTarget, pacing: GitHubPacing, redact: Redact): RepoClient {
  let client: Promise<GitHubClient> | undefined;
  return {
    repo: { owner: target.owner, repo: target.repo },
    // Loading and building Octokit with its plugins takes some 15-25 ms of CPU in the bundle: only a launch that talks to GitHub pays it.
    octokit: () => (client ??= import('./octokit').then(({ createOctokit }) => createOctokit(target, pacing, redact))),
  };
}
