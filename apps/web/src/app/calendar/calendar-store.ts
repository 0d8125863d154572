import { Injectable, Signal, computed, effect, inject, signal, untracked } from '@angular/core';
import { CalendarEvent, CalendarOccurrence, CalendarRange, CalendarRsvpChange, RsvpStatus } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../core/auth-store';
import { formMessage, toApiError } from '../core/api-error';
import { Realtime } from '../core/realtime';
import { CalendarApi } from './calendar-api';
import { rangeWithRsvp } from './rsvp-change';

export interface RangeState {
  status: 'loading' | 'ready' | 'error';
  range: CalendarRange | null;
  error: string | null;
}

/** One range the app shows: the calendar page's, or a room's (its cards and its upcoming events). */
interface Watched {
  roomId: string | null;
  from: Date;
  to: Date;
  state: ReturnType<typeof signal<RangeState>>;
  /** Answers arriving after a newer request started are dropped. */
  generation: number;
  refreshTimer: ReturnType<typeof setTimeout> | null;
}

/** A room's own range reaches this far back and ahead of now (the server's widest is 366 days). */
const ROOM_PAST_DAYS = 31;
const ROOM_AHEAD_DAYS = 335;
const DAY_MS = 86_400_000;
/** Several changes in a row (an import, a burst of edits) make one refetch. */
const REFRESH_DELAY_MS = 150;
/** "Starting now" and "Ended" follow the clock at this pace. */
const CLOCK_MS = 30_000;

/**
 * The calendar's data: ranges of occurrences loaded from the server, kept live by the `calendar:*` socket
 * events. Expanding rules is the server's job: a created, changed or cancelled event, or a moved occurrence,
 * refetches the ranges it can be in; an RSVP is patched in place (counts and names).
 */
@Injectable({ providedIn: 'root' })
export class CalendarStore {
  private readonly api = inject(CalendarApi);
  private readonly auth = inject(AuthStore);
  private readonly realtime = inject(Realtime);
  private readonly watched = new Map<string, Watched>();
  /** Events read one by one (a card whose event is outside its room's range), by id; null: not found. */
  private readonly single = signal<Readonly<Record<string, CalendarEvent | null>>>({});
  private readonly singleAsked = new Set<string>();
  private readonly version = signal(0);
  private readonly clock = signal(new Date());

  /** The time, ticking every 30 s (for "Starting now"). */
  readonly now = this.clock.asReadonly();

  constructor() {
    this.realtime.on('calendar:created', ({ event }) => this.eventChanged(event));
    this.realtime.on('calendar:updated', ({ event }) => this.eventChanged(event));
    this.realtime.on('calendar:cancelled', ({ event }) => this.eventChanged(event));
    this.realtime.on('calendar:occurrence', ({ roomId }) => this.refreshRoom(roomId));
    this.realtime.on('calendar:rsvp', (change) => this.rsvpChanged(change));
    // Back from offline: whatever changed meanwhile.
    let wasOnline = this.realtime.status() === 'online';
    effect(() => {
      const online = this.realtime.status() === 'online';
      if (online && !wasOnline) untracked(() => this.refreshAll());
      wasOnline = online;
    });
    // Signed out: nothing of the previous person stays.
    effect(() => {
      if (!this.auth.user()) untracked(() => this.forget());
    });
    setInterval(() => this.clock.set(new Date()), CLOCK_MS);
  }

  /**
   * Shows [from, to) under `key` (replacing what that key showed), every room of mine or one room. The same
   * key and range again keeps what is loaded.
   */
  watch(key: string, roomId: string | null, from: Date, to: Date): Signal<RangeState> {
    const current = this.watched.get(key);
    if (current && current.roomId === roomId && current.from.getTime() === from.getTime() && current.to.getTime() === to.getTime()) {
      return current.state.asReadonly();
    }
    const state = current?.state ?? signal<RangeState>({ status: 'loading', range: null, error: null });
    if (current?.refreshTimer) clearTimeout(current.refreshTimer);
    const entry: Watched = { roomId, from, to, state, generation: (current?.generation ?? 0) + 1, refreshTimer: null };
    this.watched.set(key, entry);
    if (!current) this.version.update((n) => n + 1);
    state.update((s) => ({ ...s, status: 'loading', error: null }));
    void this.load(entry);
    return state.asReadonly();
  }

  /** A room's occurrences from a month ago to about a year ahead (its cards in the timeline, its upcoming events). */
  roomRange(roomId: string): Signal<RangeState> {
    const key = `room:${roomId}`;
    const existing = this.watched.get(key);
    if (existing) return existing.state.asReadonly();
    const now = Date.now();
    return this.watch(key, roomId, new Date(now - ROOM_PAST_DAYS * DAY_MS), new Date(now + ROOM_AHEAD_DAYS * DAY_MS));
  }

  /** The event as last loaded anywhere: undefined while unknown, null when it cannot be read. */
  event(roomId: string, eventId: string): Signal<CalendarEvent | null | undefined> {
    const room = this.roomRange(roomId);
    return computed(() => {
      this.version();
      const state = room();
      const found = state.range?.events.find((e) => e.id === eventId) ?? this.findEvent(eventId);
      if (found) return found;
      const single = this.single()[eventId];
      if (single !== undefined) return single;
      if (state.status === 'ready') untracked(() => this.readOne(roomId, eventId));
      return state.status === 'error' ? null : undefined;
    });
  }

  /** Occurrences of one event in its room's range. */
  occurrencesOf(roomId: string, eventId: string): Signal<CalendarOccurrence[]> {
    const room = this.roomRange(roomId);
    return computed(() => (room().range?.occurrences ?? []).filter((o) => o.eventId === eventId));
  }

  /** One occurrence, wherever it is loaded (the page's range or its room's); null when no range holds it. */
  occurrence(roomId: string, eventId: string, key: string): Signal<CalendarOccurrence | null> {
    this.roomRange(roomId);
    return computed(() => {
      this.version();
      for (const w of this.watched.values()) {
        const found = w.state().range?.occurrences.find((o) => o.eventId === eventId && o.occurrence === key);
        if (found) return found;
      }
      return null;
    });
  }

  /** My own reminder for an event: minutes, null for none, undefined when it follows my settings. */
  reminderOf(eventId: string): number | null | undefined {
    this.version();
    for (const w of this.watched.values()) {
      const reminders = w.state().range?.reminders;
      if (reminders && eventId in reminders) return reminders[eventId];
    }
    return undefined;
  }

  async create(roomId: string, request: Parameters<CalendarApi['create']>[1]): Promise<CalendarEvent> {
    const event = await firstValueFrom(this.api.create(roomId, request));
    this.eventChanged(event);
    return event;
  }

  async update(event: CalendarEvent, request: Parameters<CalendarApi['update']>[2]): Promise<CalendarEvent> {
    const updated = await firstValueFrom(this.api.update(event.roomId, event.id, request));
    this.eventChanged(updated);
    return updated;
  }

  async cancel(event: CalendarEvent): Promise<void> {
    this.eventChanged(await firstValueFrom(this.api.cancel(event.roomId, event.id)));
  }

  async cancelOccurrence(event: CalendarEvent, key: string, cancelled: boolean): Promise<void> {
    await firstValueFrom(this.api.changeOccurrence(event.roomId, event.id, key, { cancelled }));
    this.refreshRoom(event.roomId);
  }

  async moveOccurrence(event: CalendarEvent, key: string, start: string, end: string): Promise<void> {
    await firstValueFrom(this.api.changeOccurrence(event.roomId, event.id, key, { start, end }));
    this.refreshRoom(event.roomId);
  }

  async restoreOccurrence(event: CalendarEvent, key: string): Promise<void> {
    await firstValueFrom(this.api.restoreOccurrence(event.roomId, event.id, key));
    this.refreshRoom(event.roomId);
  }

  /** Answers for one occurrence (null takes the answer back); shown at once, undone if the server refuses. */
  async rsvp(occurrence: CalendarOccurrence, status: RsvpStatus | null): Promise<void> {
    const me = this.auth.user();
    if (!me) return;
    const change: CalendarRsvpChange = { roomId: occurrence.roomId, eventId: occurrence.eventId, occurrence: occurrence.occurrence, userId: me.id, name: me.displayName, status };
    this.rsvpChanged(change);
    try {
      await firstValueFrom(this.api.rsvp(occurrence.roomId, occurrence.eventId, occurrence.occurrence, status));
    } catch (err) {
      this.refreshRoom(occurrence.roomId);
      throw err;
    }
  }

  async setReminder(event: CalendarEvent, minutes: number | null | 'default'): Promise<void> {
    await firstValueFrom(this.api.setReminder(event.roomId, event.id, minutes));
    for (const w of this.watched.values()) {
      w.state.update((s) => {
        if (!s.range || !s.range.events.some((e) => e.id === event.id)) return s;
        const reminders = { ...s.range.reminders };
        if (minutes === 'default') delete reminders[event.id];
        else reminders[event.id] = minutes;
        return { ...s, range: { ...s.range, reminders } };
      });
    }
    this.version.update((n) => n + 1);
  }

  /** A short sentence for a failed request. */
  problem(err: unknown): string {
    return formMessage(toApiError(err));
  }

  private findEvent(eventId: string): CalendarEvent | undefined {
    for (const w of this.watched.values()) {
      const found = w.state().range?.events.find((e) => e.id === eventId);
      if (found) return found;
    }
    return undefined;
  }

  private async readOne(roomId: string, eventId: string): Promise<void> {
    if (this.singleAsked.has(eventId)) return;
    this.singleAsked.add(eventId);
    try {
      const event = await firstValueFrom(this.api.get(roomId, eventId));
      this.single.update((s) => ({ ...s, [eventId]: event }));
    } catch {
      this.single.update((s) => ({ ...s, [eventId]: null }));
    }
  }

  private async load(entry: Watched): Promise<void> {
    const generation = entry.generation;
    try {
      const range = await firstValueFrom(this.api.range(entry.from, entry.to, entry.roomId));
      if (generation !== entry.generation) return;
      entry.state.set({ status: 'ready', range, error: null });
    } catch (err) {
      if (generation !== entry.generation) return;
      entry.state.update((s) => ({ ...s, status: 'error', error: formMessage(toApiError(err)) }));
    }
  }

  private eventChanged(event: CalendarEvent): void {
    // The event's own fields are shown at once (a title, a cancellation); its occurrences come with the refetch.
    for (const w of this.watched.values()) {
      w.state.update((s) => (s.range && s.range.events.some((e) => e.id === event.id) ? { ...s, range: { ...s.range, events: s.range.events.map((e) => (e.id === event.id ? event : e)) } } : s));
    }
    if (event.id in this.single()) this.single.update((s) => ({ ...s, [event.id]: event }));
    this.version.update((n) => n + 1);
    this.refreshRoom(event.roomId);
  }

  private rsvpChanged(change: CalendarRsvpChange): void {
    const me = this.auth.user()?.id ?? null;
    for (const w of this.watched.values()) {
      w.state.update((s) => {
        if (!s.range) return s;
        const range = rangeWithRsvp(s.range, change, me);
        return range === s.range ? s : { ...s, range };
      });
    }
  }

  /** Refetches, shortly, every range that can hold the room's events. */
  private refreshRoom(roomId: string): void {
    for (const w of this.watched.values()) if (w.roomId === null || w.roomId === roomId) this.scheduleRefresh(w);
  }

  private refreshAll(): void {
    for (const w of this.watched.values()) this.scheduleRefresh(w);
  }

  private scheduleRefresh(w: Watched): void {
    if (w.refreshTimer) clearTimeout(w.refreshTimer);
    w.refreshTimer = setTimeout(() => {
      w.refreshTimer = null;
      w.generation++;
      void this.load(w);
    }, REFRESH_DELAY_MS);
  }

  private forget(): void {
    for (const w of this.watched.values()) if (w.refreshTimer) clearTimeout(w.refreshTimer);
    this.watched.clear();
    this.single.set({});
    this.singleAsked.clear();
  }
}
