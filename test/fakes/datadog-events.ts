import type { ServerResponse } from 'node:http';
import { sendJson, startServer, type RecordedRequest, type TestServer } from '../support/http-server';

/**
 * A local Datadog events intake: Events v1 (`POST /api/v1/events`, API key) and Events v2
 * (`POST /api/v2/events`, API + application key, `category: change`), both answering 202, errors as
 * `{"errors":[...]}` and rate limits as 429 with the X-RateLimit-* headers (Reset in seconds).
 */

export interface ScriptedDatadogAnswer {
  status: number;
  errors: string[];
  headers?: Record<string, string>;
}

export interface FakeDatadogEvents {
  server: TestServer;
  url: string;
  v1Events: Record<string, any>[];
  v2Events: Record<string, any>[];
  answerNext(...answers: ScriptedDatadogAnswer[]): void;
  close(): Promise<void>;
}

/** 429 as Datadog sends it: `X-RateLimit-Reset` is the number of seconds until the window resets. */
export function datadogRateLimit(resetSeconds: number): ScriptedDatadogAnswer {
  return {
    status: 429,
    errors: ['Rate limit of 500 requests in 60 seconds reached. Please try again later.'],
    headers: {
      'x-ratelimit-limit': '500',
      'x-ratelimit-period': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(resetSeconds),
      'x-ratelimit-name': 'events_post',
    },
  };
}

const CHANGED_RESOURCE_TYPES = ['feature_flag', 'configuration'];

export async function startFakeDatadogEvents(options: { apiKey: string; appKey?: string }): Promise<FakeDatadogEvents> {
  const v1Events: Record<string, any>[] = [];
  const v2Events: Record<string, any>[] = [];
  const scripted: ScriptedDatadogAnswer[] = [];
  let nextId = 7_000_000_000_000_000_000n;

  const v1 = (req: RecordedRequest, res: ServerResponse): void => {
    const body = JSON.parse(req.body) as Record<string, any>;
    if (typeof body.title !== 'string' || typeof body.text !== 'string')
      return sendJson(res, 400, { errors: ["Event object does not contain required field 'title' or 'text'"] });
    if (body.text.length > 4000) return sendJson(res, 400, { errors: ['API input validation failed: text exceeds 4000 characters'] });
    v1Events.push(body);
    const id = String(++nextId);
    // The id exceeds 2^53: written as a raw JSON number, as Datadog does, next to `id_str`.
    res
      .writeHead(202, { 'content-type': 'application/json' })
      .end(
        `{"status":"ok","event":{"id":${id},"id_str":"${id}","title":${JSON.stringify(body.title)}` +
          `,"text":${JSON.stringify(body.text)},"date_happened":${Math.floor(Date.now() / 1000)}` +
          `,"tags":${JSON.stringify(body.tags ?? [])},"url":"https://app.datadoghq.com/event/event?id=${id}"}}`,
      );
  };

  const v2 = (req: RecordedRequest, res: ServerResponse): void => {
    if (!options.appKey || req.headers['dd-application-key'] !== options.appKey) return sendJson(res, 403, { errors: ['Forbidden'] });
    const body = JSON.parse(req.body) as Record<string, any>;
    const attributes = body.data?.attributes;
    const problems = [
      body.data?.type !== 'event' && 'data.type must be "event"',
      attributes?.category !== 'change' && 'attributes.category must be "change"',
      typeof attributes?.title !== 'string' && 'attributes.title is required',
      !CHANGED_RESOURCE_TYPES.includes(attributes?.attributes?.changed_resource?.type) &&
        'attributes.attributes.changed_resource.type is invalid',
      typeof attributes?.attributes?.changed_resource?.name !== 'string' && 'attributes.attributes.changed_resource.name is required',
    ].filter(Boolean);
    if (problems.length) return sendJson(res, 400, { errors: problems.map((p) => `API input validation failed: ${p}`) });
    v2Events.push(body);
    const id = `AZ${++nextId}`;
    sendJson(res, 202, {
      data: { id, type: 'event', attributes: { attributes: { evt: { id, uid: id } } } },
      links: { event: `https://app.datadoghq.com/event/event?uid=${id}` },
    });
  };

  const server = await startServer((req, res) => {
    const answer = scripted.shift();
    if (answer) return sendJson(res, answer.status, { errors: answer.errors }, answer.headers);
    if (req.headers['dd-api-key'] !== options.apiKey) return sendJson(res, 403, { errors: ['Forbidden'] });
    if (req.method === 'POST' && req.path === '/api/v1/events') return v1(req, res);
    if (req.method === 'POST' && req.path === '/api/v2/events') return v2(req, res);
    sendJson(res, 404, { errors: ['Not found'] });
  });

  return {
    server,
    url: server.url,
    v1Events,
    v2Events,
    answerNext: (...answers) => scripted.push(...answers),
    close: () => server.close(),
  };
}
