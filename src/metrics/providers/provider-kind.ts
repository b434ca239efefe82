import { z } from 'zod';
import { positiveDurationSchema } from '../../util/duration';
import type { BaseRequest, MetricProvider } from './provider';

/** How an action input's text becomes a credential field: as written, or `Name: value` header lines. */
export type InputForm = 'text' | 'secret' | 'headers';

/** Fills `${var}`s into a request's parts, each under its own rules (measuring/query-template.ts). */
export interface RequestFiller {
  /** Text that reaches a query language (PromQL, a Datadog query, a JSON body): values are checked. */
  query(template: string): string;
  /** A URL; a relative one is joined to the launch's base URL. */
  url(template: string): string;
  /** Free text (a header value): filled in as is. */
  text(template: string): string;
}

/** A provider's own request fields, parsed (none for a provider with none). */
export type OwnFieldsOf<R extends z.ZodRawShape> = keyof R extends never ? unknown : z.output<z.ZodObject<R>>;

/** A request of the provider whose own fields are `R`; a kind found by name (R unknown) takes any provider's request. */
export type RequestOf<R extends z.ZodRawShape> = BaseRequest & (string extends keyof R ? unknown : OwnFieldsOf<R>);

/** What a built provider brings to the launch. */
export interface BuiltProvider {
  provider: MetricProvider;
  /** Values that must never appear in a message (the redactor masks them out of the provider's errors). */
  secrets: string[];
}

/**
 * One metrics backend, self-described: each lives in its own file and is listed in providers/registry.ts.
 * `S` is its `launch.providers.<name>` block, `C` the credentials it reads from action inputs.
 */
export interface ProviderKind<
  N extends string = string,
  R extends z.ZodRawShape = z.ZodRawShape,
  S extends z.ZodObject = z.ZodObject,
  C extends z.ZodObject = z.ZodObject,
  B extends keyof R & string = keyof R & string,
> {
  readonly name: N;
  /** Its own fields of a metric definition (with their defaults); `query`, `window`, `step` are everyone's. */
  readonly request: R;
  /** Its own fields that a baseline may set in place of the metric's, as it may `query` (Datadog's `queries`). */
  readonly baselineFields: readonly B[];
  /** The request as written (query, or queries and formula), for plans when the provider itself cannot say more. */
  text(request: Partial<RequestOf<R>>): string;
  /** Cross-field rules of a resolved metric of this provider ("needs a query"). */
  refine(metric: RequestOf<R>, problem: (message: string, path: string) => void): void;
  /** Its `launch.providers.<name>` block in the spec. */
  readonly settings: S;
  /**
   * Its credentials from action inputs: each field is read from the input `<name>-<field in kebab case>`
   * (`prometheus-token`), which action.yml declares.
   */
  readonly credentials: { schema: C; inputs: { [K in keyof z.output<C>]-?: InputForm } };
  /** What the credentials make a problem at once, as the action starts (two inputs that go together). */
  checkCredentials?(credentials: z.output<C>): string | undefined;
  /** Every secret value in the credentials, for the one redactor and the log mask. */
  secretsOf(credentials: z.output<C>): (string | undefined)[];
  /** Whether it can read the past: judgements and `sustain` need history. */
  readonly history: boolean;
  /** The request with its templates filled in. */
  expand(request: RequestOf<R>, fill: RequestFiller): RequestOf<R>;
  /** Builds the provider; throws a config ProviderError when it lacks what it needs (URL, keys). */
  build(settings: z.output<S>, credentials: z.output<C>): BuiltProvider;
}

export function defineProvider<
  N extends string,
  R extends z.ZodRawShape,
  S extends z.ZodObject,
  C extends z.ZodObject,
  B extends keyof R & string = never,
>(kind: ProviderKind<N, R, S, C, B>): ProviderKind<N, R, S, C, B> {
  return kind;
}

/** The fields every `launch.providers.<name>` block has. */
export function connectionFields(concurrency: number) {
  return {
    timeout: positiveDurationSchema.default(10_000).meta({ description: 'Per-request timeout' }),
    concurrency: z
      .number()
      .int()
      .positive()
      .default(concurrency)
      .meta({ description: 'Requests in flight at once to this provider, across all checks' }),
  };
}

export const headersSchema = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name'), z.string());

/** The rule of the providers whose request is one query (or URL). */
export function needsQuery(name: string) {
  return (metric: BaseRequest, problem: (message: string, path: string) => void): void => {
    if (!metric.query) problem(`a ${name} metric needs a query`, 'query');
  };
}
