import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ChatStore } from '../../chat/chat-store';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { CalendarDialogs } from '../calendar-dialogs';
import { CalendarStore } from '../calendar-store';
import { CalendarText } from '../calendar-text';
import { occurrenceWhen } from '../occurrence-words';
import { describeRrule } from '../repeat-rule';
import { roomColour } from '../room-colours';

/** The most upcoming occurrences listed. */
const SHOWN_MAX = 30;

/** A room's calendar from its header: what is coming up in this room, and a button to schedule something. */
@Component({
  selector: 'app-room-events-dialog',
  imports: [RouterLink],
  template: `
    <header class="dialog-header">
      <div class="dialog-heading">
        <h2 class="dialog-title" [id]="titleId">Calendar</h2>
        <p class="dialog-subtitle">Upcoming in {{ roomName() }}</p>
      </div>
      <button type="button" class="dialog-close" aria-label="Close" (click)="close()">
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>
      </button>
    </header>
    <div class="dialog-body">
      @if (state().status === 'error') {
        <p class="alert alert-error" role="alert">{{ state().error }}</p>
      } @else if (!state().range) {
        <p class="empty" role="status"><span class="spinner" aria-hidden="true"></span>Loading…</p>
      } @else {
        <ul class="list" aria-label="Upcoming events">
          @for (row of rows(); track row.key) {
            <li>
              <button type="button" class="row" [class.cancelled]="row.cancelled" [style.--room]="colour" (click)="open(row)">
                <span class="dot" aria-hidden="true"></span>
                <span class="what">
                  <span class="title">{{ row.title }}</span>
                  @if (row.cancelled) {
                    <span class="tag">Cancelled</span>
                  }
                  <span class="when">{{ row.when }}@if (row.repeat) {&ngsp;· {{ row.repeat }}}</span>
                </span>
              </button>
            </li>
          } @empty {
            <li class="empty">Nothing is scheduled in this room.</li>
          }
        </ul>
      }
    </div>
    <footer class="dialog-footer">
      <a class="btn btn-secondary" routerLink="/calendar" (click)="close()">Open calendar</a>
      <span class="spacer"></span>
      @if (!archived()) {
        <button type="button" class="btn btn-primary" (click)="schedule()">Schedule event</button>
      }
    </footer>
  `,
  styleUrls: ['../../shared/dialog/dialog.css', '../occurrence-row.css', './room-events-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomEventsDialog {
  private readonly dialogRef = inject(DialogRef);
  private readonly data = inject<{ roomId: string }>(DIALOG_DATA);
  private readonly store = inject(CalendarStore);
  private readonly chat = inject(ChatStore);
  private readonly text = inject(CalendarText);
  private readonly dialogs = inject(CalendarDialogs);

  protected readonly titleId = labelDialog('room-events');
  protected readonly colour = roomColour(this.data.roomId);
  protected readonly state = this.store.roomRange(this.data.roomId);
  protected readonly roomName = computed(() => this.chat.room(this.data.roomId)?.name ?? 'this room');
  protected readonly archived = computed(() => !!this.chat.room(this.data.roomId)?.archivedAt);
  protected readonly rows = computed(() => {
    const range = this.state().range;
    if (!range) return [];
    const now = this.store.now().getTime();
    const events = new Map(range.events.map((e) => [e.id, e]));
    return range.occurrences
      .filter((o) => new Date(o.end).getTime() > now && events.has(o.eventId))
      .sort((a, b) => a.start.localeCompare(b.start))
      .slice(0, SHOWN_MAX)
      .map((o) => {
        const e = events.get(o.eventId)!;
        return { key: `${o.eventId}|${o.occurrence}`, occurrence: o, title: this.text.title(e), when: occurrenceWhen(o, e.allDay), repeat: describeRrule(e.rrule, e), cancelled: o.cancelled };
      });
  });

  protected open(row: { occurrence: Parameters<CalendarDialogs['showOccurrence']>[0] }): void {
    void this.dialogs.showOccurrence(row.occurrence);
  }

  protected schedule(): void {
    void this.dialogs.createEvent({ roomId: this.data.roomId });
  }

  protected close(): void {
    this.dialogRef.close();
  }
}
