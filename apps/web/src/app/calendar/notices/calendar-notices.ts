import { HttpClient } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { CalendarNotice, CalendarNoticeList } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../../core/auth-store';
import { Realtime } from '../../core/realtime';
import { noticeWords } from './notice-wording';

/** The most notices shown at once; older ones give way. */
const SHOWN_MAX = 3;
/** A cancellation goes by itself after this long; reminders stay until dismissed or the occurrence ends. */
const CANCELLED_SHOWN_MS = 20_000;
/** Notices sent this recently are shown when the app opens (a reminder that came while no tab was open). */
const RECENT_MS = 15 * 60_000;

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
  private started = false;
  /** Gives a notice's title when the server's is empty (an encrypted room's event the device decrypted). */
  private titleOf: (notice: CalendarNotice) => string | undefined = () => undefined;

  readonly shown = this.shownList.asReadonly();

  /** Starts listening (once, from the signed-in shell) and shows recent notices not dismissed yet. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.realtime.on('calendar:notice', (notice) => this.arrived(notice, true));
    this.realtime.on('calendar:notice-dismissed', ({ id }) => this.forget(id));
    void this.loadRecent();
  }

  /** Lets the calendar give decrypted titles for encrypted rooms' events. */
  decryptTitlesWith(titleOf: (notice: CalendarNotice) => string | undefined): void {
    this.titleOf = titleOf;
  }

  title(notice: CalendarNotice): string | undefined {
    return this.titleOf(notice);
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

  private async loadRecent(): Promise<void> {
    try {
      const { notices } = await firstValueFrom(this.http.get<CalendarNoticeList>('/api/calendar/notices'));
      const now = Date.now();
      const recent = notices.filter((n) => !n.dismissedAt && now - new Date(n.at).getTime() < RECENT_MS && new Date(n.end).getTime() > now);
      for (const n of recent.reverse()) this.arrived(n, false);
    } catch {
      // Offline or signed out: live notices still arrive.
    }
  }

  private arrived(notice: CalendarNotice, live: boolean): void {
    if (!this.auth.user()) return;
    if (this.shownList().some((n) => n.id === notice.id)) return;
    this.shownList.update((list) => [notice, ...list].slice(0, SHOWN_MAX));
    // A reminder stays until the occurrence ends (or it is dismissed); a cancellation goes by itself.
    const until = notice.kind === 'cancelled' ? CANCELLED_SHOWN_MS : Math.max(0, new Date(notice.end).getTime() - Date.now());
    this.timers.set(notice.id, setTimeout(() => this.forget(notice.id), Math.min(until, 2 ** 31 - 1)));
    if (live && notice.kind !== 'cancelled') this.notifyBrowser(notice);
  }

  private forget(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.shownList.update((list) => list.filter((n) => n.id !== id));
  }

  /** A browser notification for a reminder or "starting now", if allowed (the app may be in the background). */
  private notifyBrowser(notice: CalendarNotice): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const { title, body } = noticeWords(notice, new Date(), this.titleOf(notice));
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
