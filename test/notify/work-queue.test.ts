import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../src/notify/work-queue';
import { NoResponseError } from '../../src/notify/http-retry';

const redact = (text: string): string => text.replace('s3cret', '***');
const fatal = (error: unknown): boolean => error instanceof Error && error.message.startsWith('fatal');

describe('WorkQueue', () => {
  it('runs tasks one at a time in order, and coalesces a burst under one key', async () => {
    const queue = new WorkQueue(redact, fatal);
    const log: string[] = [];
    let state = 0;
    queue.add(async () => void log.push('first'));
    for (let i = 1; i <= 5; i++) {
      state = i;
      queue.coalesce('render', async () => void log.push(`render ${state}`));
    }
    queue.add(async () => void log.push('last'));
    await queue.flush();
    expect(log).toEqual(['first', 'render 5', 'last']);
  });

  it('turns failures into one thrown warning, redacted, and goes on', async () => {
    const queue = new WorkQueue(redact, fatal);
    const log: string[] = [];
    queue.add(async () => {
      throw new Error('HTTP 500 with s3cret');
    });
    queue.add(async () => void log.push('still runs'));
    await expect(queue.flush()).rejects.toThrow(/^HTTP 500 with \*\*\*$/);
    expect(log).toEqual(['still runs']);
  });

  it('skips the rest after a fatal error or a service that never answers', async () => {
    for (const error of [new Error('fatal: invalid_auth'), new NoResponseError('no response after 3 tries: timed out')]) {
      const queue = new WorkQueue(redact, fatal);
      const log: string[] = [];
      queue.add(async () => {
        throw error;
      });
      queue.add(async () => void log.push('skipped'));
      await expect(queue.flush()).rejects.toThrow(`${error.message}; nothing more is sent for this launch`);
      expect(log).toEqual([]);
    }
  });

  it('drops what is still queued at its deadline, and says how much', async () => {
    const queue = new WorkQueue(redact, fatal, undefined, 50);
    const log: string[] = [];
    let release!: () => void;
    queue.add(() => new Promise<void>((resolve) => (release = resolve)));
    queue.add(async () => void log.push('dropped'));
    await expect(queue.flush()).rejects.toThrow('2 message(s) dropped: still unsent 0.05 s after the launch ended');
    release();
    // A second flush waits for the queue to settle: the dropped task never ran.
    await expect(queue.flush()).rejects.toThrow('dropped');
    expect(log).toEqual([]);
  });
});
