import { Dialog } from '@angular/cdk/dialog';
import { Injectable, inject } from '@angular/core';
import { CalendarEvent, CalendarOccurrence } from '@parley/contracts';

/** What the event dialog is opened for: a new event (in a room, or one to choose, on a day) or changing one. */
export interface EventDialogData {
  event?: CalendarEvent;
  roomId?: string;
  /** A new event's day (YYYY-MM-DD). */
  day?: string;
}

/** The calendar's dialogs, each loaded when first opened (the calendar page, the room header, the timeline's cards). */
@Injectable({ providedIn: 'root' })
export class CalendarDialogs {
  private readonly dialog = inject(Dialog);

  async createEvent(data: EventDialogData = {}): Promise<CalendarEvent | undefined> {
    const { EventDialog } = await import('./event-dialog/event-dialog');
    return new Promise((resolve) => this.dialog.open<CalendarEvent>(EventDialog, { data }).closed.subscribe(resolve));
  }

  async editEvent(event: CalendarEvent): Promise<CalendarEvent | undefined> {
    return this.createEvent({ event });
  }

  async showOccurrence(occurrence: Pick<CalendarOccurrence, 'roomId' | 'eventId' | 'occurrence'>): Promise<void> {
    const { EventDetailDialog } = await import('./event-detail/event-detail-dialog');
    this.dialog.open(EventDetailDialog, { data: { roomId: occurrence.roomId, eventId: occurrence.eventId, occurrence: occurrence.occurrence } });
  }

  /** A room's upcoming events, with a button to schedule one. */
  async roomEvents(roomId: string): Promise<void> {
    const { RoomEventsDialog } = await import('./room-events/room-events-dialog');
    this.dialog.open(RoomEventsDialog, { data: { roomId } });
  }
}
