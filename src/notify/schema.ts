import { z } from 'zod';

/** The moments a launch can announce in Slack, named as a spec writes them in `notify.slack.on`. */
export const slackMomentSchema = z.enum(['start', 'phase', 'success', 'failure', 'rollback']);
export type SlackMoment = z.infer<typeof slackMomentSchema>;

// A plain "@oncall" would post as text and page nobody: only Slack's own mention syntax pings.
const mentionSchema = z
  .string()
  .regex(/^<[!@#][^<>]+>(?:\s*<[!@#][^<>]+>)*$/, 'expected Slack mention syntax such as <!subteam^S0123ABC>, <@U0123ABC> or <!here>');

const slackSchema = z
  .object({
    on: z
      .array(slackMomentSchema)
      .default([...slackMomentSchema.options])
      .meta({
        description:
          'Moments that post a message (webhook) or a thread reply (bot token); the bot keeps its live message up to date regardless',
      }),
    api_url: z.url().optional().meta({
      description:
        'Base URL of the Slack Web API for the bot token, e.g. https://slack-gov.com/api for GovSlack; the slack-api-url input wins',
    }),
    mention_on_failure: mentionSchema
      .optional()
      .meta({ description: 'Who to ping, once per launch, when it fails or rolls back, e.g. <!subteam^S0123ABC>' }),
  })
  .strict();

const githubSchema = z
  .object({
    deployments: z
      .boolean()
      .default(true)
      .meta({ description: 'Record the launch as a GitHub Deployment of the environment (needs github-token)' }),
    pr_comment: z
      .boolean()
      .default(true)
      .meta({ description: 'On pull_request events, keep one comment per environment up to date with the launch' }),
  })
  .strict();

const datadogSchema = z
  .object({
    events: z
      .boolean()
      .default(true)
      .meta({ description: 'Post change events at launch start, rollback and finish (needs datadog-api-key)' }),
    events_url: z
      .url()
      .optional()
      .meta({
        description:
          "Base URL for change events instead of the site's api. and event-management-intake. hosts" +
          ' (a relay or proxy); the datadog-events-url input wins',
      }),
  })
  .strict();

/**
 * Where the launch reports itself. Every channel is on by default and runs only when its credentials
 * are given (action inputs), so a spec needs this section only to narrow or tune them.
 */
export const notifySchema = z
  .object({
    slack: slackSchema.prefault({}),
    github: githubSchema.prefault({}),
    datadog: datadogSchema.prefault({}),
  })
  .strict();
export type NotifyConfig = z.output<typeof notifySchema>;

export const notifyFields = {
  notify: notifySchema.prefault({}),
};
