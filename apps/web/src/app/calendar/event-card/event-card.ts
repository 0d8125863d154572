import { ChangeDetectionStrategy, Component, computed, inject, input, untracked } from '@angular/core';
import { LocalTimePipe } from '../../shared/local-time-pipe';
import { CalendarDialogs } from '../calendar-dialogs';
import { CalendarStore } from '../calendar-store';
import { CalendarText } from '../calendar-text';
import { cardState } from '../event-card-state';
import { occurrenceWhen } from '../occurrence-words';
import { describeRrule } from '../repeat-rule';
import { roomColour } from '../room-colours';
import { RsvpButtons } from '../rsvp-buttons/rsvp-buttons';

/**
 * The card an `event_scheduled` system message shows in the timeline: the event's title, its next occurrence
 * (or "Starting now", "Cancelled", "Ended"), and Going / Maybe / Can't go with the counts, kept up to date by
 * the calendar store.
 */
@Component({
  selector: 'app-event-card',
  imports: [LocalTimePipe, RsvpButtons],
  template: `
    @let s = state();
    <article class="card" [style.--room]="colour()" [attr.aria-label]="'Event: ' + title()">
      <p class="line">
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="3.5" y="5" width="17" height="15.5" rx="2" /><path d="M3.5 10h17M8 3v4M16 3v4" /></svg>
        <span class="line-text">{{ line() }}</span>
        <time [attr.datetime]="at()" [title]="at() | localTime: 'full'">{{ at() | localTime: 'time' }}</time>
      </p>
      <div class="body">
        <div class="title-row">
          <h3 class="title" [class.struck]="s.kind === 'cancelled'">{{ title() }}</h3>
          @if (s.kind !== 'loading' && s.kind !== 'missing') {
            <button type="button" class="details" (click)="openDetails()">Details</button>
          }
        </div>
        @switch (s.kind) {
          @case ('loading') {
            <p class="when">Loading…</p>
          }
          @case ('missing') {
            <p class="when">This event is no longer in the calendar.</p>
          }
          @default {
            <p class="when">
              @if (s.kind === 'now') {
                <span class="badge badge-now">Starting now</span>
              } @else if (s.kind === 'cancelled') {
                <span class="badge badge-cancelled">Cancelled</span>
              } @else if (s.kind === 'ended') {
                <span class="badge badge-ended">Ended</span>
              }
              @if (when(); as w) {
                <span [class.struck]="s.kind === 'cancelled'">{{ w }}</span>
              }
            </p>
            @if (repeat(); as r) {
              <p class="repeat">{{ r }}</p>
            }
          }
        }
        @if ((s.kind === 'upcoming' || s.kind === 'now') && s.occurrence) {
          <app-rsvp-buttons class="actions" [occurrence]="s.occurrence" [groupLabel]="'Your answer for ' + title()" />
        }
      </div>
    </article>
  `,
  styleUrl: './event-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventCard {
  private readonly store = inject(CalendarStore);
  private readonly text = inject(CalendarText);
  private readonly dialogs = inject(CalendarDialogs);

  readonly roomId = input.required<string>();
  readonly eventId = input.required<string>();
  /** The system line's own words ("Ana scheduled “Stand-up”"). */
  readonly line = input.required<string>();
  readonly at = input.required<string>();
  /** The title the system message recorded (empty in encrypted rooms), until the event itself is loaded. */
  readonly recordedTitle = input('');

  private readonly sources = computed(() => {
    const roomId = this.roomId();
    const eventId = this.eventId();
    return untracked(() => ({ event: this.store.event(roomId, eventId), occurrences: this.store.occurrencesOf(roomId, eventId) }));
  });
  protected readonly event = computed(() => this.sources().event());
  protected readonly state = computed(() => cardState(this.event(), this.sources().occurrences(), this.store.now()));
  protected readonly colour = computed(() => roomColour(this.roomId()));
  protected readonly title = computed(() => {
    const e = this.event();
    return e ? this.text.title(e) : this.recordedTitle() || 'Event';
  });
  protected readonly when = computed(() => {
    const s = this.state();
    const e = this.event();
    if (!e || !('occurrence' in s)) return '';
    if (s.occurrence) return occurrenceWhen(s.occurrence, e.allDay);
    return occurrenceWhen({ start: e.start, end: e.end, localStart: e.start, localEnd: e.end }, e.allDay);
  });
  protected readonly repeat = computed(() => {
    const e = this.event();
    return e?.rrule ? describeRrule(e.rrule, e) : '';
  });

  protected openDetails(): void {
    const s = this.state();
    const e = this.event();
    if (!e) return;
    if ('occurrence' in s && s.occurrence) void this.dialogs.showOccurrence(s.occurrence);
    else void this.dialogs.roomEvents(e.roomId);
  }
}
