import type { LaunchEvent } from '../events/event-bus';
import { LaunchNotifier } from './launch-notifier';
import type { LaunchProgress, LaunchView } from '../events/launch-view';
import { breachText, headline, outcomeText } from '../events/launch-text';
import { truncate } from '../util/truncate';
import { parseJson } from '../http/json';
import { retryDelayFromHeaders } from '../http/retry-after';
import { sendJson, type HttpOptions, type RateLimitReader } from '../http/json-client';
import type { WorkQueue } from './work-queue';

export interface DatadogTarget {
  apiKey: string;
  /** With an application key, markers go to Events v2 as `change` events; without, to Events v1. */
  appKey?: string;
  /** Events v1 lives on `api.{site}`, Events v2 on `event-management-intake.{site}`. */
  v1Url: string;
  v2Url: string;
}

export function datadogTarget(apiKey: string, appKey: string | undefined, site: string, override?: string): DatadogTarget {
  return { apiKey, appKey, v1Url: override ?? `https://api.${site}`, v2Url: override ?? `https://event-management-intake.${site}` };
}

export class DatadogError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** A rejected key stays rejected for every later marker. */
  get fatal(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** Rendered when its event arrives: by the time it is sent the launch may have moved on. */
interface Marker {
  title: string;
  message: string;
  alertType: 'info' | 'success' | 'warning' | 'error';
  progress: LaunchProgress;
}

const TEXT_MAX = 4000;
const TITLE_MAX = 500;

/** Change markers on Datadog dashboards: launch start, rollback start and the outcome. */
export class DatadogEventsNotifier extends LaunchNotifier {
  readonly name = 'datadog-events';

  constructor(
    private readonly target: DatadogTarget,
    view: LaunchView,
    queue: WorkQueue,
    private readonly http: HttpOptions,
  ) {
    super(view, queue);
  }

  protected react(event: LaunchEvent): void {
    const marker = this.markerFor(event);
    if (marker) this.queue.add(() => this.send(marker));
  }

  private markerFor(event: LaunchEvent): Marker | undefined {
    const { progress } = this.view;
    const why = (): string => this.view.failureBreaches().map(breachText).join('\n');
    switch (event.type) {
      case 'launch.started':
        return {
          title: `${event.mode === 'rollback' ? 'Rollback' : 'Launch'} started: ${headline(this.view)}`,
          message: '',
          alertType: 'info',
          progress,
        };
      case 'rollback.started':
        // A manual rollback's start marker already says it.
        if (this.view.facts.mode === 'rollback') return undefined;
        return { title: `Rollback started: ${headline(this.view)}`, message: `${event.reason}\n${why()}`, alertType: 'warning', progress };
      case 'launch.finished': {
        const alertType = event.status === 'succeeded' ? 'success' : event.status === 'rolled_back' ? 'warning' : 'error';
        return { title: `${headline(this.view)}: ${outcomeText(this.view)}`, message: why(), alertType, progress };
      }
      default:
        return undefined;
    }
  }

  private async send(marker: Marker): Promise<void> {
    const { service, environment, mode, version, previousVersion, actor, runUrl } = this.view.facts;
    // The version live once this change is through: a manual rollback puts the previous one back.
    const liveVersion = mode === 'rollback' ? previousVersion : version;
    const tags = [`service:${service}`, `env:${environment}`, ...(liveVersion ? [`version:${liveVersion}`] : [])];
    const title = truncate(marker.title, TITLE_MAX);
    const text = truncate([marker.message, runUrl].filter(Boolean).join('\n'), TEXT_MAX);
    const headers: Record<string, string> = { 'dd-api-key': this.target.apiKey };
    if (!this.target.appKey) {
      const body = {
        title,
        text,
        tags,
        alert_type: marker.alertType,
        aggregation_key: this.view.launchId,
        source_type_name: 'launch-action',
      };
      return this.post(`${this.target.v1Url}/api/v1/events`, headers, body);
    }
    headers['dd-application-key'] = this.target.appKey;
    const change = {
      changed_resource: { name: service, type: 'configuration' },
      impacted_resources: [{ name: service, type: 'service' }],
      author: actor ? { name: actor, type: 'user' } : { name: 'launch-action', type: 'automation' },
      ...(liveVersion && { new_value: { version: liveVersion } }),
      ...(mode === 'launch' && previousVersion && { prev_value: { version: previousVersion } }),
      change_metadata: { launch_id: this.view.launchId, status: marker.progress, run_url: runUrl },
    };
    const attributes = { category: 'change', title, message: text, tags, aggregation_key: this.view.launchId, attributes: change };
    return this.post(`${this.target.v2Url}/api/v2/events`, headers, { data: { type: 'event', attributes } });
  }

  private async post(url: string, headers: Record<string, string>, body: unknown): Promise<void> {
    const reply = await sendJson(url, { method: 'POST', headers, body, readRateLimit: readDatadogRateLimit }, this.http);
    if (reply.status >= 200 && reply.status < 300) return;
    const errors = (parseJson(reply.text) as { errors?: unknown } | undefined)?.errors;
    const detail = Array.isArray(errors) ? errors.join('; ') : reply.text.slice(0, 200);
    throw new DatadogError(reply.status, `Datadog event: HTTP ${reply.status}${detail ? `: ${detail}` : ''}`);
  }
}

/** Datadog's `X-RateLimit-Reset` counts seconds until the reset (not an epoch, unlike GitHub's). */
const readDatadogRateLimit: RateLimitReader = (reply, now) =>
  reply.status === 429 ? retryDelayFromHeaders(reply.headers, now) : undefined;
