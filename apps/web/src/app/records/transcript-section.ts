import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { RoomSummary, TRANSCRIPT_MAX_DAYS, TranscriptFormat } from '@parley/contracts';
import { FieldControl, FormField } from '../shared/form-field';
import { dayStart, dayValue } from '../shared/local-day';
import { TranscriptExport } from './transcript-export';

const FORMATS: readonly { value: TranscriptFormat; label: string }[] = [
  { value: TranscriptFormat.Markdown, label: 'Markdown' },
  { value: TranscriptFormat.Text, label: 'Plain text' },
  { value: TranscriptFormat.Html, label: 'Web page' },
  { value: TranscriptFormat.Json, label: 'JSON' },
];

/**
 * "Export transcript" in a room's settings: a format and the days to cover (the last 30 by default), saved as
 * a download with times in this browser's time zone. An encrypted room's transcript is written in the browser.
 */
@Component({
  selector: 'app-transcript-section',
  imports: [ReactiveFormsModule, FormField, FieldControl],
  template: `
    <section class="section" aria-labelledby="transcript-heading">
      <h3 id="transcript-heading" class="section-title">Transcript</h3>
      <p class="section-text">
        @if (room().encrypted) {
          Save the conversation as a file. This room is end-to-end encrypted: the transcript is written in this browser from what it can decrypt, and the
          server never sees it.
        } @else {
          Save the conversation as a file: who wrote what and when, edits, deletions and the files shared (by name).
        }
        Days and times are in {{ timeZone }}.
      </p>
      @if (error(); as message) {
        <p class="alert alert-error" role="alert">{{ message }}</p>
      }
      <form class="transcript-form" [formGroup]="form" (ngSubmit)="export()" novalidate>
        <app-form-field controlId="transcript-format" label="Format">
          <select appFieldControl class="input" formControlName="format">
            @for (f of formats; track f.value) {
              <option [value]="f.value">{{ f.label }}</option>
            }
          </select>
        </app-form-field>
        <app-form-field controlId="transcript-from" label="From">
          <input appFieldControl class="input" type="date" formControlName="from" [max]="today" />
        </app-form-field>
        <app-form-field controlId="transcript-to" label="To">
          <input appFieldControl class="input" type="date" formControlName="to" [max]="today" />
        </app-form-field>
        <button type="submit" class="btn btn-secondary" [disabled]="busy()">{{ busy() ? 'Exporting…' : 'Export' }}</button>
        <label class="check">
          <input type="checkbox" formControlName="withFiles" />
          Include the files (a zip)
        </label>
      </form>
      <p class="visually-hidden" role="status">{{ done() }}</p>
    </section>
  `,
  styleUrls: ['../shared/dialog/settings-section.css'],
  styles: `
    .transcript-form {
      display: grid;
      grid-template-columns: 1.3fr 1fr 1fr auto;
      align-items: start;
      gap: 0.75rem;
    }
    .transcript-form button {
      margin-top: 1.6rem;
    }
    .check {
      grid-column: 1 / -1;
      display: inline-flex;
      align-items: center;
      gap: 0.45rem;
      font-size: 0.9rem;
    }
    @media (max-width: 560px) {
      .transcript-form {
        grid-template-columns: 1fr 1fr;
      }
      .transcript-form app-form-field:first-child,
      .transcript-form button {
        grid-column: 1 / -1;
      }
      .transcript-form button {
        margin-top: 0;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TranscriptSection {
  private readonly transcripts = inject(TranscriptExport);

  readonly room = input.required<RoomSummary>();

  protected readonly formats = FORMATS;
  protected readonly today = dayValue(new Date());
  protected readonly timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  protected readonly form = inject(NonNullableFormBuilder).group({
    format: TranscriptFormat.Markdown as TranscriptFormat,
    from: dayValue(new Date(Date.now() - 29 * 86_400_000)),
    to: this.today,
    withFiles: false,
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly done = signal('');

  protected async export(): Promise<void> {
    const { format, from, to, withFiles } = this.form.getRawValue();
    const start = dayStart(from);
    const lastDay = dayStart(to);
    this.error.set(null);
    this.done.set('');
    if (!start || !lastDay) return this.error.set('Choose the first and the last day.');
    // Up to the end of the last day chosen.
    const end = new Date(lastDay.getFullYear(), lastDay.getMonth(), lastDay.getDate() + 1);
    if (end <= start) return this.error.set('The last day must not come before the first.');
    if (end.getTime() - start.getTime() > TRANSCRIPT_MAX_DAYS * 86_400_000) return this.error.set(`A transcript covers at most ${TRANSCRIPT_MAX_DAYS} days.`);
    this.busy.set(true);
    try {
      await this.transcripts.save(this.room(), { format, withFiles, from: start, to: end, timeZone: this.timeZone });
      this.done.set('The transcript was saved.');
    } catch (err) {
      this.error.set(err instanceof Error ? err.message : 'The transcript could not be made.');
    } finally {
      this.busy.set(false);
    }
  }
}
