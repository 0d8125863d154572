import { Injectable, inject, signal } from '@angular/core';
import { Router } from '@angular/router';

export type NotificationPermissionState = NotificationPermission | 'unsupported';

export interface IncomingMessage {
  roomId: string;
  /** The room's name (for direct rooms: the other person). */
  roomName: string;
  direct: boolean;
  senderName: string;
  /** Plain text, formatting stripped. */
  text: string;
}

/** The longest notification body; the rest is in the app. */
const BODY_MAX = 180;

/** The notification's wording: a direct message is titled by its sender, a room message by room and sender. */
export function notificationContent(message: IncomingMessage): { title: string; body: string } {
  const title = message.direct ? message.senderName : `${message.senderName} in ${message.roomName}`;
  const body = message.text.length > BODY_MAX ? `${message.text.slice(0, BODY_MAX - 1)}…` : message.text;
  return { title, body: body || 'New message' };
}

/**
 * Browser notifications for new messages while the tab is hidden. Permission is asked only from a button
 * (browsers ignore or penalise asking on load); clicking a notification brings the tab and the room forward.
 */
@Injectable({ providedIn: 'root' })
export class MessageNotifier {
  private readonly router = inject(Router);
  private readonly state = signal<NotificationPermissionState>(
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );

  readonly permission = this.state.asReadonly();

  constructor() {
    // Follows changes made in the browser's site settings while the app is open (unblocking brings the button back).
    if (typeof navigator !== 'undefined' && navigator.permissions && typeof Notification !== 'undefined') {
      navigator.permissions
        .query({ name: 'notifications' })
        .then((status) => status.addEventListener('change', () => this.state.set(Notification.permission)))
        .catch(() => undefined);
    }
  }

  async requestPermission(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    try {
      this.state.set(await Notification.requestPermission());
    } catch {
      this.state.set(Notification.permission);
    }
  }

  /**
   * Whether a message arriving now would be shown as a notification: the tab is hidden and notifications are
   * allowed. Asked first (visibility before the permission, which costs a call into the browser), so a visible
   * tab spends nothing on the text of a notification it will not show.
   */
  wouldNotify(): boolean {
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden') return false;
    return typeof Notification !== 'undefined' && Notification.permission === 'granted';
  }

  /** Shows a notification if allowed and nobody is looking at the tab. */
  messageArrived(message: IncomingMessage): void {
    if (!this.wouldNotify()) return;
    const { title, body } = notificationContent(message);
    try {
      // One notification per room: a newer message replaces the older one instead of piling up.
      const notification = new Notification(title, { body, tag: `room:${message.roomId}`, icon: '/favicon.svg' });
      notification.onclick = () => {
        window.focus();
        notification.close();
        void this.router.navigate(['/r', message.roomId]);
      };
    } catch {
      // Some platforms only allow notifications from a service worker: nothing to show then.
    }
  }
}
