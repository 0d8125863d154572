import { Injectable, inject, signal } from '@angular/core';
import { CalendarEvent, EncryptedCalendarContent } from '@parley/contracts';
import { ChatStore } from '../chat/chat-store';
import { E2ee } from '../e2ee/e2ee';

/** An event's title, description and location as the page shows them. */
export interface EventText extends EncryptedCalendarContent {
  /** `plain`: a room without end-to-end encryption; the others: an encrypted room's event on this device. */
  state: 'plain' | 'decrypting' | 'decrypted' | 'waiting' | 'failed';
}

const keyOf = (e: CalendarEvent) => `${e.id}:${e.updatedAt}`;

/**
 * The text of calendar events. In an end-to-end encrypted room it is decrypted on this device (like messages:
 * the room's Megolm keys), and tried again when room keys arrive. Until then the event shows as "Encrypted event".
 */
@Injectable({ providedIn: 'root' })
export class CalendarText {
  private readonly e2ee = inject(E2ee);
  private readonly chat = inject(ChatStore);
  private readonly texts = signal<Readonly<Record<string, EventText>>>({});
  /** Decryptions started, by event version: done when the text is known (or known to be unreadable for now). */
  private readonly running = new Map<string, Promise<void>>();
  /** Events waiting for a room key, by Megolm session id. */
  private readonly waiting = new Map<string, CalendarEvent[]>();

  constructor() {
    this.e2ee.onRoomKeys((sessions) => {
      for (const { sessionId } of sessions) {
        const events = this.waiting.get(sessionId);
        if (!events) continue;
        this.waiting.delete(sessionId);
        for (const event of events) void this.decrypt(event);
      }
    });
  }

  /** The event's text (starting its decryption the first time it is asked for). */
  of(event: CalendarEvent): EventText {
    if (!event.encrypted) return { title: event.title, description: event.description, location: event.location, state: 'plain' };
    const key = keyOf(event);
    const known = this.texts()[key];
    if (known) return known;
    if (!this.running.has(key)) {
      // Started after the current change detection (which may be reading signals), never inside it.
      const done = new Promise<void>((resolve) => queueMicrotask(() => void this.decrypt(event).catch(() => undefined).then(resolve)));
      this.running.set(key, done);
    }
    return { title: '', description: '', location: '', state: 'decrypting' };
  }

  /** The event's text once this device has tried to decrypt it (`waiting` when the room key has not arrived). */
  async read(event: CalendarEvent): Promise<EventText> {
    this.of(event);
    await this.running.get(keyOf(event));
    return this.of(event);
  }

  /** A title to show: the event's, or what stands in for an encrypted one not read (yet). */
  title(event: CalendarEvent): string {
    const text = this.of(event);
    if (text.title) return text.title;
    return text.state === 'plain' ? '(No title)' : text.state === 'decrypting' ? 'Decrypting…' : 'Encrypted event';
  }

  /** The encrypted text for a room's event, made on this device. */
  encrypt(roomId: string, content: EncryptedCalendarContent) {
    return this.e2ee.encryptCalendar(roomId, content);
  }

  private async decrypt(event: CalendarEvent): Promise<void> {
    const key = keyOf(event);
    // Made by its creator's device; changed perhaps by a room owner or admin's: try the creator first, then the members.
    const senders = [event.createdBy.id, ...(this.chat.members(event.roomId) ?? []).map((m) => m.user.id).filter((id) => id !== event.createdBy.id)];
    let last: Awaited<ReturnType<E2ee['decryptCalendar']>> | null = null;
    for (const sender of senders) {
      try {
        last = await this.e2ee.decryptCalendar(event, sender);
      } catch {
        last = null;
        break;
      }
      if (last.ok || last.reason !== 'invalid') break;
    }
    if (last?.ok) {
      this.texts.update((t) => ({ ...t, [key]: { ...last.content, state: 'decrypted' } }));
      return;
    }
    if (last && (last.reason === 'missing_key' || last.reason === 'unknown_index')) {
      this.waiting.set(last.sessionId, [...(this.waiting.get(last.sessionId) ?? []), event]);
      this.texts.update((t) => ({ ...t, [key]: { title: '', description: '', location: '', state: 'waiting' } }));
      return;
    }
    this.texts.update((t) => ({ ...t, [key]: { title: '', description: '', location: '', state: 'failed' } }));
  }
}
