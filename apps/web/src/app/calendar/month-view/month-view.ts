import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { itemsOnDay, monthWeeks, onTopRow, weekDays } from '../calendar-layout';
import { dayHeading, shortTime } from '../occurrence-words';
import { ShownOccurrence, occurrenceLabel } from '../shown-occurrence';

/** How many occurrences a day of the month lists before "N more" (phones show fewer). */
const SHOWN_PER_DAY = 3;
const SHOWN_PER_DAY_COMPACT = 2;

interface DayItem {
  item: ShownOccurrence;
  /** All-day (or a day or longer): a solid bar; timed: a dot and the time. */
  bar: boolean;
  time: string;
  /** The whole of it, for the tooltip. */
  label: string;
  /** What the screen reader hears after the visible text: the day, the room, whether it is cancelled. */
  more: string;
}

/** A month as a grid of weeks; each day lists its occurrences, all-day first. */
@Component({
  selector: 'app-month-view',
  templateUrl: './month-view.html',
  styleUrl: './month-view.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MonthView {
  readonly anchor = input.required<string>();
  readonly today = input.required<string>();
  readonly weekStart = input.required<number>();
  readonly items = input.required<ShownOccurrence[]>();
  /** Phone width: fewer, smaller lines per day; a tap anywhere on a day opens it in the agenda. */
  readonly compact = input(false);
  readonly opened = output<ShownOccurrence>();
  readonly dayOpened = output<string>();

  protected readonly weekdays = computed(() =>
    weekDays(this.anchor(), this.weekStart()).map((d) => ({
      short: new Intl.DateTimeFormat(undefined, { weekday: this.compact() ? 'narrow' : 'short', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`)),
      long: new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`)),
    })),
  );

  protected readonly weeks = computed(() => {
    const items = this.items();
    const limit = this.compact() ? SHOWN_PER_DAY_COMPACT : SHOWN_PER_DAY;
    return monthWeeks(this.anchor(), this.weekStart(), this.today()).map((week) =>
      week.map((day) => {
        const on = itemsOnDay(items, day.date);
        const shown: DayItem[] = on.slice(0, on.length > limit ? limit - 1 : limit).map((item) => {
          const bar = onTopRow(item);
          const time = bar ? '' : shortTime(item.occurrence.start);
          const more = [day.date === this.today() ? 'today' : dayHeading(day.date), bar ? 'all day' : '', item.roomName, item.cancelled ? 'cancelled' : ''].filter(Boolean).join(', ');
          return { item, bar, time, label: occurrenceLabel(item, bar ? 'all day' : time), more };
        });
        return { ...day, heading: dayHeading(day.date), number: Number(day.date.slice(8, 10)), shown, more: on.length - shown.length };
      }),
    );
  });

  /** The day's button: on a phone it covers the whole day and says what is on it. */
  protected dayLabel(day: { heading: string; today: boolean; shown: DayItem[]; more: number }): string {
    const label = `${day.heading}${day.today ? ', today' : ''}`;
    if (!this.compact()) return `Open ${label}`;
    const count = day.shown.length + day.more;
    return count ? `${label}: ${count === 1 ? '1 event' : `${count} events`}` : label;
  }
}
