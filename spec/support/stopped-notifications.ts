import { config } from 'rxjs';
import type { ObservableNotification } from 'rxjs';
import type { WampError } from '../../src/protocol/errors.js';

let restore: (() => void) | undefined;

/**
 * Records what RxJS reports as sent to a subscriber that already left
 * (`config.onStoppedNotification`, a hook users can set): `N`, `C`, or `E` with the error's
 * uri. RxJS reports through setTimeout, so recording runs under the jasmine mock clock;
 * `read()` delivers the reports, restores the clock and the hook, and returns them.
 * Call {@link stopRecordingStoppedNotifications} in an afterEach, for a spec that fails before `read()`.
 */
export function recordStoppedNotifications(): { read(): string[] } {
  const seen: string[] = [];
  const previous = config.onStoppedNotification;
  config.onStoppedNotification = (n: ObservableNotification<unknown>) => seen.push(n.kind === 'E' ? `E ${(n.error as WampError).uri}` : n.kind);
  jasmine.clock().install();
  restore = () => {
    restore = undefined;
    jasmine.clock().uninstall();
    config.onStoppedNotification = previous;
  };
  return {
    read: () => {
      jasmine.clock().tick(1);
      restore?.();
      return seen;
    },
  };
}

/** Restores the clock and the hook if a recording is still on. */
export function stopRecordingStoppedNotifications(): void {
  restore?.();
}
