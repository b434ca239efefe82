import type { Subscriber } from '../engine/events';
import { DeploymentsApi } from '../github/deployments-api';
import { GitHubApiError } from '../github/rest';
import { githubRest, httpOptions, launchFacts, pullRequestOf, type NotifierContext } from './context';
import { DatadogError, DatadogEventsNotifier, datadogTarget } from './datadog-events';
import { DeploymentNotifier } from './github-deployments';
import { PrCommentNotifier } from './github-pr-comment';
import type { HttpOptions } from './http-retry';
import { LaunchView } from './launch-view';
import { SLACK_API_URL, SlackError, SlackWebApi } from './slack-api';
import { SlackBotNotifier } from './slack-bot';
import { SlackWebhookNotifier } from './slack-webhook';
import { WorkQueue } from './work-queue';

export type { NotifierContext } from './context';

/**
 * The notifiers this launch's settings and spec ask for: each runs when its credentials are given
 * and the spec's `notify` section does not turn it off. A plan sends nothing.
 */
export function createNotifiers(ctx: NotifierContext): Subscriber[] {
  if (ctx.mode === 'plan') return [];
  const http = httpOptions(ctx);
  const notifiers = [...slackNotifiers(ctx, http), ...githubNotifiers(ctx, http)];
  const { apiKey, appKey, site } = ctx.settings.datadog;
  if (apiKey && ctx.launch.notify.datadog.events) {
    const target = datadogTarget(apiKey, appKey, site, ctx.endpoints?.datadogApi);
    notifiers.push(new DatadogEventsNotifier(target, new LaunchView(launchFacts(ctx)), queue(http, (error) => error instanceof DatadogError && error.fatal), http));
  }
  return notifiers;
}

function slackNotifiers(ctx: NotifierContext, http: HttpOptions): Subscriber[] {
  const { webhookUrl, botToken, channel } = ctx.settings.slack;
  const config = ctx.launch.notify.slack;
  const slackFatal = (error: unknown): boolean => error instanceof SlackError && error.fatal;
  const notifiers: Subscriber[] = [];
  if (botToken && channel) {
    const api = new SlackWebApi(botToken, ctx.endpoints?.slackApi ?? SLACK_API_URL, http);
    notifiers.push(new SlackBotNotifier(api, channel, config, new LaunchView(launchFacts(ctx)), queue(http, slackFatal)));
  }
  if (webhookUrl) notifiers.push(new SlackWebhookNotifier(webhookUrl, config, new LaunchView(launchFacts(ctx)), queue(http, slackFatal), http));
  return notifiers;
}

function githubNotifiers(ctx: NotifierContext, http: HttpOptions): Subscriber[] {
  const rest = githubRest(ctx, http);
  if (!rest) return [];
  const config = ctx.launch.notify.github;
  // A bad token or missing permission stays that way for the rest of the launch.
  const githubFatal = (error: unknown): boolean => error instanceof GitHubApiError && (error.status === 401 || error.status === 403);
  const pullRequest = pullRequestOf(ctx.run);
  const notifiers: Subscriber[] = [];
  if (config.deployments) {
    const setup = { ref: pullRequest?.headSha ?? ctx.run.sha, run: ctx.run, specDigest: ctx.specDigest, transient: pullRequest !== undefined };
    notifiers.push(new DeploymentNotifier(new DeploymentsApi(rest), setup, new LaunchView(launchFacts(ctx)), queue(http, githubFatal)));
  }
  if (config.pr_comment && pullRequest) notifiers.push(new PrCommentNotifier(rest, pullRequest.number, new LaunchView(launchFacts(ctx)), queue(http, githubFatal)));
  return notifiers;
}

function queue(http: HttpOptions, isFatal: (error: unknown) => boolean): WorkQueue {
  return new WorkQueue(http.redact, isFatal);
}
