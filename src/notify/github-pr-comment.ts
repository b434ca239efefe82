import type { LaunchEvent } from '../events/event-bus';
import { LaunchNotifier } from './launch-notifier';
import { GitHubApiError, type RepoClient } from '../github/client';
import type { LaunchView } from '../events/launch-view';
import { LiveEdits } from './live-edits';
import { prCommentMarker, renderPrComment } from './pr-comment-body';
import type { WorkQueue } from './work-queue';

/** Comments read while looking for ours: 1,000 is more than any PR worth a launch has. */
const MAX_PAGES = 10;
const PER_PAGE = 100;

/**
 * On pull requests: one comment per environment, found again by its hidden marker and edited in
 * place, so that a second run (or a re-run) updates the comment instead of adding another.
 */
export class PrCommentNotifier extends LaunchNotifier {
  readonly name = 'github-pr-comment';
  private commentId?: number;
  private readonly edits: LiveEdits<string>;

  constructor(
    private readonly github: RepoClient,
    private readonly pullRequest: number,
    view: LaunchView,
    queue: WorkQueue,
  ) {
    super(view, queue);
    this.edits = new LiveEdits(
      queue,
      'comment',
      () => renderPrComment(this.view),
      (body) => this.write(body),
    );
  }

  protected react(event: LaunchEvent): void {
    this.edits.onEvent(event);
  }

  private async write(body: string): Promise<void> {
    const octokit = await this.github.octokit();
    this.commentId ??= await this.findComment();
    if (this.commentId !== undefined) {
      try {
        await octokit.rest.issues.updateComment({ ...this.github.repo, comment_id: this.commentId, body });
        return;
      } catch (error) {
        // Deleted since we found it: post a new one.
        if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
      }
    }
    const created = await octokit.rest.issues.createComment({ ...this.github.repo, issue_number: this.pullRequest, body });
    this.commentId = created.data.id;
  }

  private async findComment(): Promise<number | undefined> {
    const marker = prCommentMarker(this.view.facts.environment);
    const octokit = await this.github.octokit();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const reply = await octokit.rest.issues.listComments({
        ...this.github.repo,
        issue_number: this.pullRequest,
        per_page: PER_PAGE,
        page,
      });
      const found = reply.data.find((comment) => comment.body?.includes(marker));
      if (found) return found.id;
      if (reply.data.length < PER_PAGE) return undefined;
    }
    return undefined;
  }
}
