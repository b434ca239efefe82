import type { LaunchEvent } from '../engine/events';
import { LaunchNotifier } from './launch-notifier';
import type { NotifyConfig } from './schema';
import { changesSummary, type LaunchView } from './launch-view';
import { SlackError, type PostedMessage, type SlackWebApi } from './slack-api';
import { liveMessage, mentionOnce, momentMessage, momentOf } from './slack-messages';
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

  constructor(
    private readonly api: SlackWebApi,
    private readonly channel: string,
    private readonly config: NotifyConfig['slack'],
    view: LaunchView,
    queue: WorkQueue,
  ) {
    super(view, queue);
    this.takeMention = mentionOnce(config.mention_on_failure);
  }

  protected react(event: LaunchEvent): void {
    if (event.type === 'launch.started') this.queue.add(() => this.postLive());
    else if (changesSummary(event)) this.queue.coalesce('live', () => this.updateLive());

    const moment = momentOf(event, this.view.facts.mode);
    if (!moment || moment.moment === 'start' || !this.config.on.includes(moment.moment)) return;
    const mention = this.takeMention(moment);
    // Rendered now: by the time the reply is sent the launch may have moved on.
    const reply = momentMessage(event, this.view, mention);
    this.queue.add(() => this.reply(reply, mention !== undefined));
  }

  private async postLive(): Promise<void> {
    this.live = await this.api.post(this.channel, liveMessage(this.view));
  }

  /** Edits the live message, or posts it if it is missing (the first post failed, or it can no longer be edited). */
  private async updateLive(): Promise<void> {
    if (!this.live) return this.postLive();
    try {
      await this.api.update(this.live, liveMessage(this.view));
    } catch (error) {
      if (!(error instanceof SlackError && UNEDITABLE.has(error.code))) throw error;
      this.queue.warn(`${error.message}: posted a new live message`);
      await this.postLive();
    }
  }

  // Without a live message there is no thread; the live message, once posted, shows the step anyway.
  private async reply(message: SlackMessage, broadcast: boolean): Promise<void> {
    if (this.live) await this.api.post(this.live.channel, message, { ts: this.live.ts, broadcast });
  }
}
