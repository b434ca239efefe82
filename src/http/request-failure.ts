/**
 * A request that produced no response to judge, whichever transport sent it (timedFetch, plainRequest):
 * callers tell a timeout, a cancellation and an unreachable server apart by `kind`.
 */
export type RequestFailureKind = 'timeout' | 'cancelled' | 'unreachable';

export class RequestFailure extends Error {
  constructor(
    readonly kind: RequestFailureKind,
    message: string,
    /** What the transport (fetch, node:http) or the body reader threw. */
    cause?: unknown,
  ) {
    super(message, { cause });
  }

  /** The system error code behind an unreachable server (ECONNREFUSED, ENOTFOUND...), when there is one. */
  get code(): string | undefined {
    // fetch wraps the system error in a TypeError; node:http (plainRequest) rejects with it as is.
    const system = this.cause instanceof TypeError ? this.cause.cause : this.cause;
    const code = (system as NodeJS.ErrnoException | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
  }
}
