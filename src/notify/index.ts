import type { Subscriber } from '../engine/events';
import type { Launch } from '../spec/schema';
import type { Settings } from '../inputs';
import type { RunContext } from '../run-context';
import type { LaunchMode } from '../engine/model';

export interface NotifierContext {
  launch: Launch;
  settings: Settings;
  run: RunContext;
  mode: LaunchMode;
  version?: string;
  previousVersion?: string;
  /** sha256 of the spec file's text, for deployment payloads. */
  specDigest: string;
}

/** The notifiers this launch's settings and spec ask for (placeholder until the notifier work lands). */
export function createNotifiers(_ctx: NotifierContext): Subscriber[] {
  return [];
}
