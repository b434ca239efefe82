import type { LaunchEvent } from '../events/event-bus';
import { LaunchNotifier } from './launch-notifier';
import type { NotifyConfig } from './schema';
import type { LaunchView } from '../events/launch-view';
import { LiveEdits } from './live-edits';
import { SlackError, slackChannelPace, type PostedMessage, type SlackWebApi } from './slack-api';
import { isChatter, liveMessage, mentionOnce, momentMessage, momentOf } from './slack-messages';
import type { SlackMessage } from './slack-blocks';
import type { WorkQueue } from './work-queue';

/** chat.update errors after which the live message can only be replaced, not edited. */
const UNEDITABLE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/**
 * With a bot token: one live message per launch, posted at the start and edited as phases go, and a
 * thread under it with each phase result, breach and rollback step. Edits notify nobody, so the
 * mention goes out in a thread reply that is also broadcast to the channel.
 */
export class SlackBotNotifier extends LaunchNotifier {
  readonly name = 'slack-bot';
  private live?: PostedMessage;
  private readonly takeMention: ReturnType<typeof mentionOnce>;
  private readonly edits: LiveEdits<SlackMessage>;
  private readonly channelPace = slackChannelPace();

  constructor(
    private readonly api: SlackWebApi,
    private readonly channel: string,
    private readonly config: NotifyConfig['slack'],
    view: LaunchView,
    queue: WorkQueue,
  ) {
    super(view, queue);
    this.takeMention = mentionOnce(config.mention_on_failure);
    this.edits = new LiveEdits(
      queue,
      'live',
      () => liveMessage(this.view),
      (message) => this.showLive(message),
      this.channelPace,
    );
  }

  protected react(event: LaunchEvent): void {
    this.edits.onEvent(event);
    const moment = momentOf(event, this.view.facts.mode);
    if (!moment || moment.moment === 'start' || !this.config.on.includes(moment.moment)) return;
    const mention = this.takeMention(moment);
    // Rendered now: by the time the reply is sent the launch may have moved on.
    const reply = momentMessage(event, this.view, mention);
    this.queue.add(() => this.reply(reply, mention !== undefined), { droppable: isChatter(event), pace: this.channelPace });
  }

  /** Edits the live message, or posts it: at the start, after a failed first post, or when it can no longer be edited. */
  private async showLive(message: SlackMessage): Promise<void> {
    if (this.live) {
      try {
        await this.api.update(this.live, message);
        return;
      } catch (error) {
        if (!(error instanceof SlackError && UNEDITABLE.has(error.code))) throw error;
        this.queue.warn(`${error.message}: posted a new live message`);
      }
    }
    this.live = await this.api.post(this.channel, message);
  }

  // Without a live message there is no thread; the live message, once posted, shows the step anyway.
  private async reply(message: SlackMessage, broadcast: boolean): Promise<void> {
    if (this.live) await this.api.post(this.live.channel, message, { ts: this.live.ts, broadcast });
  }
}
