import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { CalendarOccurrence, RsvpStatus } from '@parley/contracts';
import { CalendarStore } from '../calendar-store';

const CHOICES: { status: RsvpStatus; label: string }[] = [
  { status: 'going', label: 'Going' },
  { status: 'maybe', label: 'Maybe' },
  { status: 'declined', label: "Can't go" },
];

/** Going / Maybe / Can't go for one occurrence, with the counts; pressing my answer again takes it back. */
@Component({
  selector: 'app-rsvp-buttons',
  template: `
    <div class="choices" role="group" [attr.aria-label]="groupLabel()">
      @for (c of choices(); track c.status) {
        <button type="button" class="choice" [class.chosen]="c.mine" [attr.aria-pressed]="c.mine" [disabled]="disabled() || busy()" (click)="answer(c.status)">
          {{ c.label }}
          <span class="count" aria-hidden="true">{{ c.count }}</span>
          <span class="visually-hidden">, {{ c.count === 1 ? '1 person' : c.count + ' people' }}</span>
        </button>
      }
    </div>
    @if (problem(); as message) {
      <p class="problem" role="alert">{{ message }}</p>
    }
  `,
  styleUrl: './rsvp-buttons.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RsvpButtons {
  private readonly store = inject(CalendarStore);
  readonly occurrence = input.required<CalendarOccurrence>();
  readonly disabled = input(false);
  /** Names the group for screen readers ("Your answer for Stand-up"). */
  readonly groupLabel = input('Your answer');

  protected readonly busy = signal(false);
  protected readonly problem = signal<string | null>(null);
  protected readonly choices = computed(() => {
    const rsvp = this.occurrence().rsvp;
    return CHOICES.map((c) => ({ ...c, count: rsvp[c.status], mine: rsvp.mine === c.status }));
  });

  protected async answer(status: RsvpStatus): Promise<void> {
    this.problem.set(null);
    this.busy.set(true);
    try {
      await this.store.rsvp(this.occurrence(), this.occurrence().rsvp.mine === status ? null : status);
    } catch (err) {
      this.problem.set(this.store.problem(err));
    } finally {
      this.busy.set(false);
    }
  }
}
