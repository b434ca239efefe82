import type { Subscriber } from '../events/event-bus';
import { DeploymentsApi } from '../github/deployments-api';
import { GitHubApiError } from '../github/client';
import { githubRepo, httpOptions, launchFacts, pullRequestOf, type NotifierContext } from './context';
import { DatadogError, DatadogEventsNotifier, datadogTarget } from './datadog-events';
import { DeploymentNotifier } from './github-deployments';
import { PrCommentNotifier } from './github-pr-comment';
import type { HttpOptions } from '../http/json-client';
import { LaunchView } from '../events/launch-view';
import { SLACK_API_URL, SlackError, SlackWebApi } from './slack-api';
import { SlackBotNotifier } from './slack-bot';
import { SlackWebhookNotifier } from './slack-webhook';
import { WorkQueue } from './work-queue';

export type { NotifierContext } from './context';

type NotifierFactory = (ctx: NotifierContext, http: HttpOptions) => Subscriber | undefined;

const slackFatal = (error: unknown): boolean => error instanceof SlackError && error.fatal;
// A bad token or missing permission stays that way for the rest of the launch; so does a limit the
// client would not wait out, and a GitHub that answered none of the tries.
const githubFatal = (error: unknown): boolean =>
  error instanceof GitHubApiError && (error.status === undefined || error.status === 401 || error.status === 403 || error.status === 429);

const slackBot: NotifierFactory = (ctx, http) => {
  const { botToken, channel } = ctx.settings.slack;
  if (!botToken || !channel) return undefined;
  // The input, else the spec, else Slack's own (GovSlack and relays set one).
  const api = new SlackWebApi(botToken, ctx.settings.slack.apiUrl ?? ctx.launch.notify.slack.api_url ?? SLACK_API_URL, http);
  return new SlackBotNotifier(api, channel, ctx.launch.notify.slack, view(ctx), queue(http, slackFatal));
};

const slackWebhook: NotifierFactory = (ctx, http) => {
  const { webhookUrl } = ctx.settings.slack;
  return webhookUrl ? new SlackWebhookNotifier(webhookUrl, ctx.launch.notify.slack, view(ctx), queue(http, slackFatal), http) : undefined;
};

const githubDeployments: NotifierFactory = (ctx, http) => {
  const github = githubRepo(ctx, http);
  if (!github || !ctx.launch.notify.github.deployments) return undefined;
  const pullRequest = pullRequestOf(ctx.run);
  const setup = {
    ref: pullRequest?.headSha ?? ctx.run.sha,
    run: ctx.run,
    specDigest: ctx.specDigest,
    transient: pullRequest !== undefined,
  };
  return new DeploymentNotifier(new DeploymentsApi(github), setup, view(ctx), queue(http, githubFatal));
};

const githubPrComment: NotifierFactory = (ctx, http) => {
  const github = githubRepo(ctx, http);
  const pullRequest = pullRequestOf(ctx.run);
  if (!github || !pullRequest || !ctx.launch.notify.github.pr_comment) return undefined;
  return new PrCommentNotifier(github, pullRequest.number, view(ctx), queue(http, githubFatal));
};

const datadogEvents: NotifierFactory = (ctx, http) => {
  const { apiKey, appKey, site, eventsUrl } = ctx.settings.datadog;
  if (!apiKey || !ctx.launch.notify.datadog.events) return undefined;
  const target = datadogTarget(apiKey, appKey, site, eventsUrl ?? ctx.launch.notify.datadog.events_url);
  return new DatadogEventsNotifier(
    target,
    view(ctx),
    queue(http, (error) => error instanceof DatadogError && error.fatal),
    http,
  );
};

/** Every notifier; add one by writing its file and listing its factory here. */
const NOTIFIERS: readonly NotifierFactory[] = [slackBot, slackWebhook, githubDeployments, githubPrComment, datadogEvents];

/**
 * The notifiers this launch's settings and spec ask for: each runs when its credentials are given
 * and the spec's `notify` section does not turn it off. A plan sends nothing.
 */
export function createNotifiers(ctx: NotifierContext): Subscriber[] {
  if (ctx.mode === 'plan') return [];
  const http = httpOptions(ctx);
  return NOTIFIERS.flatMap((create) => create(ctx, http) ?? []);
}

function view(ctx: NotifierContext): LaunchView {
  return new LaunchView(launchFacts(ctx));
}

function queue(http: HttpOptions, isFatal: (error: unknown) => boolean): WorkQueue {
  return new WorkQueue(http.redact, isFatal, http.policy);
}
