import type { LaunchEvent } from '../events/event-bus';
import { LaunchNotifier } from './launch-notifier';
import type { NotifyConfig } from './schema';
import type { LaunchView } from '../events/launch-view';
import { sendJson, type HttpOptions } from '../http/json-client';
import { SlackError, slackChannelPace } from './slack-api';
import { isChatter, mentionOnce, momentMessage, momentOf } from './slack-messages';
import type { SlackMessage } from './slack-blocks';
import type { WorkQueue } from './work-queue';

/** With an incoming webhook: one message per notable event chosen by `notify.slack.on`. */
export class SlackWebhookNotifier extends LaunchNotifier {
  readonly name = 'slack-webhook';
  private readonly takeMention: ReturnType<typeof mentionOnce>;
  private readonly channelPace = slackChannelPace();

  constructor(
    private readonly webhookUrl: string,
    private readonly config: NotifyConfig['slack'],
    view: LaunchView,
    queue: WorkQueue,
    private readonly http: HttpOptions,
  ) {
    super(view, queue);
    this.takeMention = mentionOnce(config.mention_on_failure);
  }

  protected react(event: LaunchEvent): void {
    const moment = momentOf(event, this.view.facts.mode);
    if (!moment || moment.step || !this.config.on.includes(moment.moment)) return;
    const message = momentMessage(event, this.view, this.takeMention(moment));
    this.queue.add(() => this.post(message), { droppable: isChatter(event), pace: this.channelPace });
  }

  /** A webhook answers 200 `ok`, or an error code as plain text (`channel_not_found`, `invalid_payload`). */
  private async post(message: SlackMessage): Promise<void> {
    const reply = await sendJson(this.webhookUrl, { method: 'POST', headers: {}, body: message }, this.http);
    if (reply.status !== 200) throw new SlackError('webhook', reply.text.trim().slice(0, 100) || `HTTP ${reply.status}`);
  }
}
