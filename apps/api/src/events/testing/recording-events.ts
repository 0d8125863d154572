import { AppEventMap, AppEvents } from '../app-events';

export type Raised = { [K in keyof AppEventMap]: { event: K; payload: AppEventMap[K] } }[keyof AppEventMap];

/** AppEvents that also keeps every event raised, in order, for tests to assert on. */
export class RecordingEvents extends AppEvents {
  readonly raised: Raised[] = [];

  override async emit<K extends keyof AppEventMap>(event: K, payload: AppEventMap[K]): Promise<void> {
    this.raised.push({ event, payload } as Raised);
    await super.emit(event, payload);
  }

  /** The names of the events raised, in order. */
  names(): (keyof AppEventMap)[] {
    return this.raised.map((r) => r.event);
  }

  /** The payloads of one event, in order. */
  payloads<K extends keyof AppEventMap>(event: K): AppEventMap[K][] {
    return this.raised.filter((r) => r.event === event).map((r) => r.payload as AppEventMap[K]);
  }

  clear(): void {
    this.raised.length = 0;
  }
}
