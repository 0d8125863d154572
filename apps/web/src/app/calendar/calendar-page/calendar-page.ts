import { Dialog } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, Signal, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import { RoomKind } from '@parley/contracts';
import { ChatStore } from '../../chat/chat-store';
import { dayStart, dayValue } from '../../shared/local-day';
import { Viewport } from '../../shell/viewport';
import { AgendaView } from '../agenda-view/agenda-view';
import { CalendarDialogs } from '../calendar-dialogs';
import { CalendarView, stepDay, viewDays, weekStartFor } from '../calendar-layout';
import { RangeState, CalendarStore } from '../calendar-store';
import { CalendarText } from '../calendar-text';
import { MonthView } from '../month-view/month-view';
import { periodTitle } from '../occurrence-words';
import { roomColour } from '../room-colours';
import { ShownOccurrence } from '../shown-occurrence';
import { WeekView } from '../week-view/week-view';

const VIEWS: { id: CalendarView; label: string }[] = [
  { id: 'month', label: 'Month' },
  { id: 'week', label: 'Week' },
  { id: 'agenda', label: 'Agenda' },
];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The calendar (route `/calendar`): the events of all my rooms by month, week or as an agenda, each room in its
 * colour, in my own time zone. `?view=` and `?day=` keep the place, so that Back and a reload return to it.
 */
@Component({
  selector: 'app-calendar-page',
  imports: [MonthView, WeekView, AgendaView],
  templateUrl: './calendar-page.html',
  styleUrl: './calendar-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CalendarPage {
  protected readonly store = inject(CalendarStore);
  private readonly chat = inject(ChatStore);
  private readonly text = inject(CalendarText);
  private readonly router = inject(Router);
  private readonly dialogs = inject(CalendarDialogs);
  private readonly dialog = inject(Dialog);
  protected readonly phone = inject(Viewport).phone;

  /** From the query string. */
  readonly view = input<string | undefined>(undefined);
  readonly day = input<string | undefined>(undefined);

  protected readonly views = VIEWS;
  protected readonly weekStart = weekStartFor(undefined);
  protected readonly today = computed(() => dayValue(this.store.now()));
  protected readonly shownView = computed<CalendarView>(() => {
    const v = this.view();
    return v === 'month' || v === 'week' || v === 'agenda' ? v : this.phone() ? 'agenda' : 'month';
  });
  protected readonly anchor = computed(() => {
    const d = this.day();
    return d && DAY.test(d) && dayStart(d) ? d : this.today();
  });
  protected readonly days = computed(() => viewDays(this.shownView(), this.anchor(), this.weekStart));
  protected readonly title = computed(() => {
    const { first, last } = this.days();
    return this.shownView() === 'month' ? periodTitle(this.anchor().slice(0, 8) + '01', last, true) : periodTitle(first, last, false);
  });

  private readonly watched = signal<Signal<RangeState> | null>(null);
  protected readonly state = computed(() => this.watched()?.() ?? { status: 'loading' as const, range: null, error: null });

  protected readonly items = computed<ShownOccurrence[]>(() => {
    const range = this.state().range;
    if (!range) return [];
    const events = new Map(range.events.map((e) => [e.id, e]));
    const shown: ShownOccurrence[] = [];
    for (const occurrence of range.occurrences) {
      const event = events.get(occurrence.eventId);
      if (!event) continue;
      const room = this.chat.room(occurrence.roomId);
      shown.push({
        key: `${occurrence.eventId}|${occurrence.occurrence}`,
        occurrence,
        event,
        allDay: event.allDay,
        title: this.text.title(event),
        roomName: room ? (room.kind === RoomKind.Public ? `#${room.name}` : room.name) : 'A room',
        colour: roomColour(occurrence.roomId),
        cancelled: occurrence.cancelled,
      });
    }
    return shown;
  });

  /** Rooms I can schedule in (archived ones take no new events). */
  protected readonly canCreate = computed(() => this.chat.rooms().some((r) => !r.archivedAt));

  constructor() {
    effect(() => {
      const { first, last } = this.days();
      untracked(() => this.watched.set(this.store.watch('page', null, dayStart(first)!, dayStart(last, 1)!)));
    });
  }

  protected show(view: CalendarView): void {
    this.go(view, this.anchor());
  }

  protected step(direction: 1 | -1): void {
    this.go(this.shownView(), stepDay(this.shownView(), this.anchor(), direction));
  }

  protected goToday(): void {
    this.go(this.shownView(), this.today());
  }

  /** A day of the month (its "more" link, or a phone's tap): the agenda from that day. */
  protected openDay(day: string): void {
    this.go(this.phone() ? 'agenda' : 'week', day);
  }

  protected open(item: ShownOccurrence): void {
    void this.dialogs.showOccurrence(item.occurrence);
  }

  protected create(day?: string): void {
    void this.dialogs.createEvent({ day: day ?? (this.anchor() >= this.today() ? this.anchor() : this.today()) });
  }

  /** The lead's calendar settings (reminders, subscription feed, import), loaded when asked for. */
  protected async openSettings(): Promise<void> {
    const { CalendarSettingsDialog } = await import('../settings/calendar-settings-dialog');
    this.dialog.open(CalendarSettingsDialog);
  }

  protected retry(): void {
    const { first, last } = this.days();
    this.watched.set(this.store.watch('page', null, dayStart(first)!, dayStart(last, 1)!));
  }

  private go(view: CalendarView, day: string): void {
    void this.router.navigate([], { queryParams: { view, day: day === this.today() ? null : day }, queryParamsHandling: 'merge' });
  }
}
