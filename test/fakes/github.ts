import type { ServerResponse } from 'node:http';
import { sendJson, startServer, type RecordedRequest, type TestServer } from '../support/http-server';

/**
 * A local GitHub REST API for one repository: deployments and their statuses (with GitHub's
 * `auto_inactive` behaviour), issue comments, token auth, API versions, rate-limit headers and
 * scriptable answers (202 "no deployment", 409, 403, primary and secondary rate limits).
 */

const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'] as const;
export type FakeDeploymentState = (typeof STATES)[number];

export interface FakeDeploymentStatus {
  id: number;
  state: FakeDeploymentState;
  description: string;
  log_url?: string;
  environment_url?: string;
}

export interface FakeDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  required_contexts?: unknown;
  auto_merge?: unknown;
  transient_environment: boolean;
  production_environment: boolean;
  created_at: string;
  /** Oldest first. */
  statuses: FakeDeploymentStatus[];
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

export interface ScriptedGitHubAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Requests a scripted answer can target. */
export type GitHubRoute =
  'create-deployment' | 'create-status' | 'list-deployments' | 'list-statuses' | 'list-comments' | 'create-comment' | 'update-comment';

export interface FakeGitHub {
  server: TestServer;
  apiUrl: string;
  owner: string;
  repo: string;
  deployments: FakeDeployment[];
  comments: FakeComment[];
  seedDeployment(seed: { environment: string; payload: unknown; states: FakeDeploymentState[]; sha?: string }): FakeDeployment;
  seedComment(issue: number, body: string, login?: string): FakeComment;
  statesOf(id: number): FakeDeploymentState[];
  answerNext(route: GitHubRoute, ...answers: ScriptedGitHubAnswer[]): void;
  close(): Promise<void>;
}

/** The primary (hourly) limit: 403, or 429, with `x-ratelimit-remaining: 0` and the reset in epoch seconds. */
export function primaryRateLimit(resetInSeconds: number, status: 403 | 429 = 403): ScriptedGitHubAnswer {
  const reset = Math.ceil(Date.now() / 1000) + resetInSeconds;
  return {
    status,
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits',
    },
    headers: {
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '1000',
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core',
    },
  };
}

/**
 * A secondary limit as GitHub answers it: 403 (or 429) with a message naming it, the hourly budget
 * not spent, and often no `retry-after` (the client must then wait at least a minute).
 */
export function secondaryRateLimit(options: { retryAfterSeconds?: number; status?: 403 | 429 } = {}): ScriptedGitHubAnswer {
  const headers: Record<string, string> = {
    'x-ratelimit-limit': '1000',
    'x-ratelimit-remaining': '900',
    'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
  };
  if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
  return {
    status: options.status ?? 403,
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' +
        ' If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:44445555.',
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
    headers,
  };
}

/** What GitHub answers a token with no access to the resource: a 403 that is no rate limit. */
export function forbidden(): ScriptedGitHubAnswer {
  return {
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
    },
  };
}

/** API versions the fake serves; GitHub answers 400 to any other `X-GitHub-Api-Version`. */
const API_VERSIONS = ['2022-11-28'];

export async function startFakeGitHub(options: { token: string; owner?: string; repo?: string }): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'shop';
  const deployments: FakeDeployment[] = [];
  const comments: FakeComment[] = [];
  const scripted = new Map<GitHubRoute, ScriptedGitHubAnswer[]>();
  let nextId = 1000;
  let remaining = 1000;
  const base = `/repos/${owner}/${repo}`;

  const fakeSha = (ref: string): string =>
    /^[0-9a-f]{40}$/.test(ref) ? ref : Buffer.from(ref.padEnd(20, '.')).toString('hex').slice(0, 40);
  const isProduction = (environment: string): boolean => environment === 'production';

  const addStatus = (
    deployment: FakeDeployment,
    state: FakeDeploymentState,
    fields: Partial<FakeDeploymentStatus> = {},
  ): FakeDeploymentStatus => {
    const status = { id: ++nextId, state, description: '', ...fields };
    deployment.statuses.push(status);
    return status;
  };

  // GitHub: a success adds `inactive` to earlier deployments of the same environment that had a
  // success, unless the environment is transient or production.
  const autoInactivate = (deployment: FakeDeployment): void => {
    if (deployment.transient_environment || deployment.production_environment) return;
    for (const earlier of deployments) {
      if (earlier.id >= deployment.id || earlier.environment !== deployment.environment) continue;
      const last = earlier.statuses.at(-1)?.state;
      if (earlier.statuses.some((s) => s.state === 'success') && last !== 'inactive')
        addStatus(earlier, 'inactive', { description: 'auto-inactivated' });
    }
  };

  const paginate = <T>(items: T[], query: URLSearchParams): T[] => {
    const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
    const page = Number(query.get('page') ?? 1);
    return items.slice((page - 1) * perPage, page * perPage);
  };

  const routes: {
    route: GitHubRoute;
    method: string;
    pattern: RegExp;
    handle(req: RecordedRequest, res: ServerResponse, match: RegExpMatchArray): void;
  }[] = [
    {
      route: 'create-deployment',
      method: 'POST',
      pattern: /^\/deployments$/,
      handle: (req, res) => {
        const body = JSON.parse(req.body) as Record<string, any>;
        if (typeof body.ref !== 'string' || !body.ref)
          return sendJson(res, 422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' });
        const environment = body.environment ?? 'production';
        const deployment: FakeDeployment = {
          id: ++nextId,
          ref: body.ref,
          sha: fakeSha(body.ref),
          task: body.task ?? 'deploy',
          environment,
          description: body.description ?? null,
          payload: body.payload ?? {},
          required_contexts: body.required_contexts,
          auto_merge: body.auto_merge,
          transient_environment: body.transient_environment ?? false,
          production_environment: body.production_environment ?? isProduction(environment),
          created_at: new Date().toISOString(),
          statuses: [],
        };
        deployments.push(deployment);
        sendJson(res, 201, present(deployment));
      },
    },
    {
      route: 'create-status',
      method: 'POST',
      pattern: /^\/deployments\/(\d+)\/statuses$/,
      handle: (req, res, match) => {
        const deployment = deployments.find((d) => d.id === Number(match[1]));
        if (!deployment) return sendJson(res, 404, { message: 'Not Found' });
        const body = JSON.parse(req.body) as Record<string, any>;
        if (!STATES.includes(body.state))
          return sendJson(res, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'DeploymentStatus', code: 'invalid', field: 'state' }],
          });
        if (typeof body.description === 'string' && body.description.length > 140) {
          return sendJson(res, 422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'DeploymentStatus',
                code: 'custom',
                field: 'description',
                message: 'description is too long (maximum is 140 characters)',
              },
            ],
          });
        }
        const status = addStatus(deployment, body.state, {
          description: body.description ?? '',
          log_url: body.log_url,
          environment_url: body.environment_url,
        });
        if (body.state === 'success' && body.auto_inactive !== false) autoInactivate(deployment);
        sendJson(res, 201, { ...status, deployment_url: `${base}/deployments/${deployment.id}` });
      },
    },
    {
      route: 'list-deployments',
      method: 'GET',
      pattern: /^\/deployments$/,
      handle: (req, res) => {
        const q = req.query;
        const matching = deployments
          .filter(
            (d) =>
              (!q.get('environment') || d.environment === q.get('environment')) &&
              (!q.get('sha') || d.sha === q.get('sha')) &&
              (!q.get('ref') || d.ref === q.get('ref')) &&
              (!q.get('task') || d.task === q.get('task')),
          )
          .sort((a, b) => b.id - a.id);
        sendJson(res, 200, paginate(matching, q).map(present));
      },
    },
    {
      route: 'list-statuses',
      method: 'GET',
      pattern: /^\/deployments\/(\d+)\/statuses$/,
      handle: (req, res, match) => {
        const deployment = deployments.find((d) => d.id === Number(match[1]));
        if (!deployment) return sendJson(res, 404, { message: 'Not Found' });
        sendJson(res, 200, paginate([...deployment.statuses].reverse(), req.query));
      },
    },
    {
      route: 'list-comments',
      method: 'GET',
      pattern: /^\/issues\/(\d+)\/comments$/,
      handle: (req, res, match) =>
        sendJson(
          res,
          200,
          paginate(
            comments.filter((c) => c.issue === Number(match[1])),
            req.query,
          ),
        ),
    },
    {
      route: 'create-comment',
      method: 'POST',
      pattern: /^\/issues\/(\d+)\/comments$/,
      handle: (req, res, match) => {
        const body = JSON.parse(req.body) as { body?: unknown };
        if (typeof body.body !== 'string' || !body.body) return sendJson(res, 422, { message: 'Validation Failed' });
        if (body.body.length > 65_536)
          return sendJson(res, 422, {
            message: 'Validation Failed',
            errors: [{ message: 'Body is too long (maximum is 65536 characters)' }],
          });
        sendJson(res, 201, seedComment(Number(match[1]), body.body, 'github-actions[bot]'));
      },
    },
    {
      route: 'update-comment',
      method: 'PATCH',
      pattern: /^\/issues\/comments\/(\d+)$/,
      handle: (req, res, match) => {
        const comment = comments.find((c) => c.id === Number(match[1]));
        if (!comment) return sendJson(res, 404, { message: 'Not Found' });
        comment.body = (JSON.parse(req.body) as { body: string }).body;
        sendJson(res, 200, comment);
      },
    },
  ];

  function seedComment(issue: number, body: string, login = 'octocat'): FakeComment {
    const comment = { id: ++nextId, issue, body, user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' } };
    comments.push(comment);
    return comment;
  }

  const server = await startServer((req, res) => {
    // GitHub takes a token under either scheme, case-insensitively.
    const [scheme, credential] = (req.headers.authorization ?? '').split(' ');
    if (!/^(bearer|token)$/i.test(scheme ?? '') || credential !== options.token) return sendJson(res, 401, { message: 'Bad credentials' });
    const version = req.headers['x-github-api-version'];
    if (typeof version === 'string' && !API_VERSIONS.includes(version))
      return sendJson(res, 400, { message: `API version ${version} is not supported.` });
    if (!req.path.startsWith(`${base}/`)) return sendJson(res, 404, { message: 'Not Found' });
    const path = req.path.slice(base.length);
    for (const route of routes) {
      const match = route.method === req.method ? path.match(route.pattern) : null;
      if (!match) continue;
      const answer = scripted.get(route.route)?.shift();
      if (answer) return sendJson(res, answer.status, answer.body, answer.headers);
      remaining = Math.max(0, remaining - 1);
      res.setHeader('x-ratelimit-limit', '1000');
      res.setHeader('x-ratelimit-remaining', String(remaining));
      res.setHeader('x-ratelimit-reset', String(Math.ceil(Date.now() / 1000) + 3600));
      return route.handle(req, res, match);
    }
    sendJson(res, 404, { message: 'Not Found' });
  });

  return {
    server,
    apiUrl: server.url,
    owner,
    repo,
    deployments,
    comments,
    seedDeployment: ({ environment, payload, states, sha }) => {
      const deployment: FakeDeployment = {
        id: ++nextId,
        ref: sha ?? 'main',
        sha: sha ?? fakeSha(`seed-${nextId}`),
        task: 'deploy',
        environment,
        description: null,
        payload,
        transient_environment: false,
        production_environment: isProduction(environment),
        created_at: new Date().toISOString(),
        statuses: [],
      };
      deployments.push(deployment);
      for (const state of states) addStatus(deployment, state);
      return deployment;
    },
    seedComment,
    statesOf: (id) => deployments.find((d) => d.id === id)?.statuses.map((s) => s.state) ?? [],
    answerNext: (route, ...answers) => scripted.set(route, [...(scripted.get(route) ?? []), ...answers]),
    close: () => server.close(),
  };
}

/** A deployment as the API shows it (statuses live at their own URL). */
function present({
  statuses: _statuses,
  required_contexts: _contexts,
  auto_merge: _merge,
  ...deployment
}: FakeDeployment): Record<string, unknown> {
  return { ...deployment, original_environment: deployment.environment, updated_at: deployment.created_at };
}
