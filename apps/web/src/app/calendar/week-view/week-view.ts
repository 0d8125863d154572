import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, computed, input, output, viewChild } from '@angular/core';
import { dayValue } from '../../shared/local-day';
import { itemsOnDay, layoutDay, onTopRow, weekDays } from '../calendar-layout';
import { dayHeading, occurrenceTimes } from '../occurrence-words';
import { ShownOccurrence, occurrenceLabel } from '../shown-occurrence';

/** Pixels per hour in the day columns. */
export const HOUR_PX = 48;
/** The hours open at 7:00 (the night above, scrolled out of view). */
const FIRST_HOUR_SHOWN = 7;

/** What the screen reader hears after an occurrence's visible text: the day, the room, whether it is cancelled. */
function extra(item: ShownOccurrence, day: string): string {
  return [day, item.roomName, item.cancelled ? 'cancelled' : ''].filter(Boolean).join(', ');
}

/** A week: its all-day events on top, then the hours, each timed occurrence at its time, overlapping ones side by side. */
@Component({
  selector: 'app-week-view',
  templateUrl: './week-view.html',
  styleUrl: './week-view.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WeekView {
  readonly anchor = input.required<string>();
  readonly today = input.required<string>();
  readonly weekStart = input.required<number>();
  readonly items = input.required<ShownOccurrence[]>();
  readonly now = input.required<Date>();
  readonly opened = output<ShownOccurrence>();

  private readonly frame = viewChild<ElementRef<HTMLElement>>('frame');
  protected readonly hourPx = HOUR_PX;

  protected readonly hours = Array.from({ length: 24 }, (_, h) => ({
    hour: h,
    label: h === 0 ? '' : new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).format(new Date(2000, 0, 1, h)),
  }));

  protected readonly days = computed(() => {
    const items = this.items();
    const today = this.today();
    return weekDays(this.anchor(), this.weekStart()).map((date) => {
      const heading = dayHeading(date);
      const on = itemsOnDay(items, date);
      return {
        date,
        today: date === today,
        weekday: new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`)),
        number: Number(date.slice(8, 10)),
        heading,
        top: on.filter(onTopRow).map((item) => ({ item, label: occurrenceLabel(item, `${heading}, all day`), more: extra(item, `${heading}, all day`) })),
        blocks: layoutDay(on, date).map((b) => {
          const times = occurrenceTimes(b.item.occurrence);
          return { ...b, times, label: occurrenceLabel(b.item, `${heading}, ${times}`), more: extra(b.item, heading) };
        }),
      };
    });
  });

  /** Where the red "now" line is in today's column (minutes), when today is shown. */
  protected readonly nowMinutes = computed(() => {
    const now = this.now();
    return this.days().some((d) => d.date === dayValue(now)) ? now.getHours() * 60 + now.getMinutes() : null;
  });

  constructor() {
    afterNextRender(() => {
      const pane = this.frame()?.nativeElement;
      // A little above the hour, so that its label shows whole.
      if (pane) pane.scrollTop = FIRST_HOUR_SHOWN * HOUR_PX - 10;
    });
  }
}
