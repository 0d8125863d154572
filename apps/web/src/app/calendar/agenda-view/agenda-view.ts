import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { addDays, itemsOnDay, onTopRow } from '../calendar-layout';
import { dayHeading, occurrenceTimes, occurrenceWhen } from '../occurrence-words';
import { ShownOccurrence } from '../shown-occurrence';

/** The days from `first` to `last` that have something on, each with its occurrences (all-day first). */
@Component({
  selector: 'app-agenda-view',
  templateUrl: './agenda-view.html',
  styleUrls: ['../occurrence-row.css', './agenda-view.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgendaView {
  readonly first = input.required<string>();
  readonly last = input.required<string>();
  readonly today = input.required<string>();
  readonly items = input.required<ShownOccurrence[]>();
  readonly loading = input(false);
  readonly opened = output<ShownOccurrence>();

  protected readonly period = computed(() => occurrenceWhen({ start: '', end: '', localStart: this.first(), localEnd: addDays(this.last(), 1) }, true));

  protected readonly days = computed(() => {
    const items = this.items();
    const days: { date: string; heading: string; today: boolean; rows: { item: ShownOccurrence; time: string; location: string }[] }[] = [];
    for (let date = this.first(); date <= this.last(); date = addDays(date, 1)) {
      const on = itemsOnDay(items, date);
      if (!on.length) continue;
      days.push({
        date,
        heading: dayHeading(date),
        today: date === this.today(),
        rows: on.map((item) => ({ item, time: onTopRow(item) ? 'All day' : occurrenceTimes(item.occurrence), location: item.title && !item.event.encrypted ? item.event.location : '' })),
      });
    }
    return days;
  });
}
