import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A 16 KiB tmpfs (we run as root in CI and here), so "disk full" is a real ENOSPC rather than a mock.
 * `fill` takes all but `freePages` 4 KiB pages. Unmount with `release`.
 */
export function tinyDisk(): { dir: string; fill(freePages: number): void; release(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'launch-action-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]);
  return {
    dir,
    fill: (freePages) => writeFileSync(join(dir, 'filler'), Buffer.alloc((4 - freePages) * 4096)),
    release: () => {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
