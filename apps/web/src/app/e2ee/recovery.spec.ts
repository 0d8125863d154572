import { Injector, signal } from '@angular/core';
import { E2ee, E2eeStatus } from './e2ee';
import { E2eeApi } from './e2ee-api';
import { Recovery } from './recovery';

/** The device's start as Recovery sees it: its status, and no started device (the check itself needs the library). */
class StartingE2ee {
  readonly status = signal<E2eeStatus>('off');
  private readonly stopped = new Set<() => void>();
  stop(): void {
    this.status.set('off');
    for (const listener of this.stopped) listener();
  }
  onStopped(listener: () => void): () => void {
    this.stopped.add(listener);
    return () => this.stopped.delete(listener);
  }
  onStarted(): () => void {
    return () => undefined;
  }
  onMissingKey(): () => void {
    return () => undefined;
  }
  onTrustChanged(): () => void {
    return () => undefined;
  }
  onInbox(): () => void {
    return () => undefined;
  }
  current(): null {
    return null;
  }
}

describe('Recovery while this device starts', () => {
  let e2ee: StartingE2ee;
  let recovery: Recovery;

  beforeEach(() => {
    e2ee = new StartingE2ee();
    recovery = Injector.create({ providers: [Recovery, { provide: E2ee, useValue: e2ee }, { provide: E2eeApi, useValue: {} }] }).get(Recovery);
  });

  it('says the backup is being checked from the moment the device starts, not that it was never set up', () => {
    expect(recovery.state()).toBe('off');
    e2ee.status.set('starting');
    expect(recovery.state()).toBe('checking');
    // Started, the check not begun yet (it follows the first sync).
    e2ee.status.set('ready');
    expect(recovery.state()).toBe('checking');
  });

  it('says why when the device could not start, and nothing once signed out', () => {
    e2ee.status.set('starting');
    e2ee.status.set('failed');
    expect(recovery.state()).toBe('failed');
    expect(recovery.problem()).toMatch(/could not start in this browser/);
    e2ee.stop();
    expect(recovery.state()).toBe('off');
    expect(recovery.problem()).toBeNull();
  });
});
