import { HttpClient } from '@angular/common/http';
import { Injectable, Injector, effect, inject, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import { CalendarEvent, CalendarNotice, CalendarNoticeList } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../../core/auth-store';
import { Realtime } from '../../core/realtime';
import { CalendarApi } from '../calendar-api';
import { CalendarText } from '../calendar-text';
import { noticeWords } from './notice-wording';

/** The most notices shown at once; older ones give way. */
const SHOWN_MAX = 3;
/** A cancellation goes by itself after this long; reminders stay until dismissed or the occurrence ends. */
const CANCELLED_SHOWN_MS = 20_000;
/** Notices sent this recently are shown when the app opens (a reminder that came while no tab was open). */
const RECENT_MS = 15 * 60_000;
/** How long a browser notification about an encrypted room's event waits for its title to be decrypted. */
const DECRYPT_WAIT_MS = 5_000;

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));

/**
 * Calendar notices in the app: reminders, "starting now" and cancellations arrive as `calendar:notice` (each sent
 * once by the server) and show as cards above the page until dismissed, and as a browser notification when
 * notifications are allowed. Dismissing one dismisses it on every device of mine. Notices from the last minutes
 * are shown when the app opens, except those already dismissed.
 */
@Injectable({ providedIn: 'root' })
export class CalendarNotices {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthStore);
  private readonly realtime = inject(Realtime);
  private readonly shownList = signal<CalendarNotice[]>([]);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly api = inject(CalendarApi);
  private readonly text = inject(CalendarText);
  private readonly injector = inject(Injector);
  private started = false;
  /** Notices this page has shown (and maybe since taken down): a later load does not bring them back. */
  private readonly seen = new Set<string>();
  /** The load when the app opened: what was already there shows quietly; later loads come after it. */
  private opening: Promise<void> = Promise.resolve();
  /** Encrypted rooms' events that notices are about (the notice carries no title): fetched to be decrypted here. */
  private readonly events = signal<Readonly<Record<string, CalendarEvent>>>({});
  private readonly fetching = new Map<string, Promise<CalendarEvent | null>>();

  readonly shown = this.shownList.asReadonly();

  /**
   * Starts listening (once, from the signed-in shell) and shows recent notices not dismissed yet. A notice is sent
   * once, to the sockets connected then: those sent while this page was not connected (before its socket first
   * connected, or while the connection was down) are fetched on every connect, and shown like live ones.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.realtime.on('calendar:notice', (notice) => this.arrived(notice, true));
    this.realtime.on('calendar:notice-dismissed', ({ id }) => this.forget(id));
    this.opening = this.loadRecent(false);
    effect(
      () => {
        if (this.realtime.online()) untracked(() => void this.opening.then(() => this.loadRecent(true)));
      },
      { injector: this.injector },
    );
  }

  /**
   * The title of an encrypted room's event as this device decrypted it (the server sends none), or undefined
   * while it cannot be read (the wording then says "Encrypted event"). Undefined for other notices.
   */
  title(notice: CalendarNotice): string | undefined {
    if (notice.title) return undefined;
    const event = this.events()[notice.eventId];
    return (event && this.text.of(event).title) || undefined;
  }

  /** Fetches an encrypted room's event so its title can be decrypted; resolves with that title when it could be. */
  private async decryptTitle(notice: CalendarNotice): Promise<string | undefined> {
    if (notice.title) return undefined;
    let fetching = this.fetching.get(notice.eventId);
    if (!fetching) {
      fetching = firstValueFrom(this.api.get(notice.roomId, notice.eventId)).catch(() => null);
      this.fetching.set(notice.eventId, fetching);
    }
    const event = await fetching;
    if (!event) {
      this.fetching.delete(notice.eventId); // try again with the next notice
      return undefined;
    }
    if (this.events()[event.id] !== event) this.events.update((events) => ({ ...events, [event.id]: event }));
    return (await this.text.read(event)).title || undefined;
  }

  /** Takes the notice down here, and on my other devices (the server tells them). */
  dismiss(notice: CalendarNotice): void {
    this.forget(notice.id);
    this.http.post<void>(`/api/calendar/notices/${encodeURIComponent(notice.id)}/dismiss`, null).subscribe({ error: () => undefined });
  }

  /** Opens the room the event is in (its card is in the timeline) and dismisses the notice. */
  open(notice: CalendarNotice): void {
    this.dismiss(notice);
    void this.router.navigate(['/r', notice.roomId]);
  }

  /** Shows recent notices not dismissed and not shown here before; `live` when they came after the app opened. */
  private async loadRecent(live: boolean): Promise<void> {
    try {
      const { notices } = await firstValueFrom(this.http.get<CalendarNoticeList>('/api/calendar/notices'));
      const now = Date.now();
      const recent = notices.filter((n) => !n.dismissedAt && !this.seen.has(n.id) && now - new Date(n.at).getTime() < RECENT_MS && new Date(n.end).getTime() > now);
      for (const n of recent.reverse()) this.arrived(n, live);
    } catch {
      // Offline or signed out: live notices still arrive.
    }
  }

  private arrived(notice: CalendarNotice, live: boolean): void {
    if (!this.auth.user()) return;
    if (this.seen.has(notice.id)) return;
    this.seen.add(notice.id);
    this.shownList.update((list) => [notice, ...list].slice(0, SHOWN_MAX));
    // A reminder stays until the occurrence ends (or it is dismissed); a cancellation goes by itself.
    const until = notice.kind === 'cancelled' ? CANCELLED_SHOWN_MS : Math.max(0, new Date(notice.end).getTime() - Date.now());
    this.timers.set(notice.id, setTimeout(() => this.forget(notice.id), Math.min(until, 2 ** 31 - 1)));
    if (live && notice.kind !== 'cancelled') void this.notifyBrowser(notice);
    else if (!notice.title) void this.decryptTitle(notice);
  }

  private forget(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.shownList.update((list) => list.filter((n) => n.id !== id));
  }

  /**
   * A browser notification for a reminder or "starting now", if allowed (the app may be in the background). An
   * encrypted room's event is decrypted first, waiting at most a few seconds (then it says "Encrypted event").
   */
  private async notifyBrowser(notice: CalendarNotice): Promise<void> {
    const decrypted = notice.title ? undefined : await Promise.race([this.decryptTitle(notice), sleep(DECRYPT_WAIT_MS)]);
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (!notice.title && !this.shownList().some((n) => n.id === notice.id)) return; // dismissed while decrypting
    const { title, body } = noticeWords(notice, new Date(), decrypted);
    try {
      const n = new Notification(title, { body, tag: `calendar:${notice.eventId}:${notice.occurrence}`, icon: '/favicon.svg' });
      n.onclick = () => {
        window.focus();
        n.close();
        this.open(notice);
      };
    } catch {
      // Some platforms only allow notifications from a service worker: the in-app card is still there.
    }
  }
}
