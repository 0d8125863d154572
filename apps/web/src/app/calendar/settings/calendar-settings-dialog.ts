import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { CALENDAR_IMPORT_MAX_BYTES, CalendarImportResult, RoomKind } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { ChatStore } from '../../chat/chat-store';
import { MessageNotifier } from '../../chat/message-notifier';
import { formMessage, toApiError } from '../../core/api-error';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { Confirmation } from '../../shared/dialog/confirmation';
import { CalendarSettingsApi } from './calendar-settings-api';
import { reminderFromOption, reminderOptions } from './reminder-choices';

/**
 * The calendar's settings: my default reminder and browser notifications, a subscription feed for other
 * calendar apps (shown once when made; replaced or turned off here), and importing an .ics file into a room.
 */
@Component({
  selector: 'app-calendar-settings-dialog',
  template: `
    <header class="dialog-header">
      <div class="dialog-heading">
        <h2 class="dialog-title" [id]="titleId">Calendar settings</h2>
      </div>
      <button type="button" class="dialog-close" aria-label="Close" (click)="close()">
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>
      </button>
    </header>

    <div class="dialog-body stack">
      <section class="section" aria-labelledby="cal-reminders-heading">
        <h3 id="cal-reminders-heading" class="section-title">Reminders</h3>
        <p class="section-text">Parley reminds you of events in your rooms unless you said you can't go. You can choose differently for each event.</p>
        <div class="row">
          <label class="label" for="cal-default-reminder">Remind me</label>
          <select id="cal-default-reminder" class="input" [value]="reminderValue()" [disabled]="reminderValue() === null" (change)="saveReminder($any($event.target).value)">
            @for (o of options(); track o.value) {
              <option [value]="o.value">{{ o.label }}</option>
            }
          </select>
          <span class="saved" role="status">{{ reminderSaved() }}</span>
        </div>
        @if (notifier.permission() === 'default') {
          <p class="section-text">
            Reminders show in Parley. To get them when Parley is in the background too:
            <button type="button" class="btn btn-secondary btn-sm" (click)="notifier.requestPermission()">Allow browser notifications</button>
          </p>
        } @else if (notifier.permission() === 'denied') {
          <p class="section-text">Browser notifications are blocked in your browser's settings: reminders show only while Parley is open.</p>
        }
      </section>

      <section class="section" aria-labelledby="cal-feed-heading">
        <h3 id="cal-feed-heading" class="section-title">Subscribe from another calendar</h3>
        <p class="section-text">
          A private address that Outlook, Google Calendar or Apple Calendar can subscribe to, with the events of all your rooms (in end-to-end encrypted
          rooms: their times only). Anyone who has the address can read those events, so keep it like a password.
        </p>
        @if (feedError(); as message) {
          <p class="alert alert-error" role="alert">{{ message }}</p>
        }
        @if (feedUrl(); as url) {
          <div class="row">
            <label class="visually-hidden" for="cal-feed-url">Subscription address</label>
            <input id="cal-feed-url" class="input mono" type="text" readonly [value]="url" (focus)="$any($event.target).select()" />
            <button type="button" class="btn btn-secondary btn-sm" (click)="copy(url)">Copy</button>
          </div>
          <p class="section-text" role="status">{{ copied() || 'Copy it now: Parley shows it only once.' }}</p>
        }
        <div class="row">
          @if (feedActive()) {
            <button type="button" class="btn btn-secondary btn-sm" [disabled]="feedBusy()" (click)="makeFeed(true)">Make a new address</button>
            <button type="button" class="btn btn-danger btn-sm" [disabled]="feedBusy()" (click)="revokeFeed()">Turn off</button>
            @if (!feedUrl()) {
              <span class="section-text">An address is active since {{ feedSince() }}.</span>
            }
          } @else {
            <button type="button" class="btn btn-primary btn-sm" [disabled]="feedBusy()" (click)="makeFeed(false)">Get a subscription address</button>
          }
        </div>
      </section>

      <section class="section" aria-labelledby="cal-import-heading">
        <h3 id="cal-import-heading" class="section-title">Import events</h3>
        <p class="section-text">
          Add the events of an .ics file (exported from another calendar) to one of your rooms. Times without a zone of their own are read in {{ timeZone }}.
        </p>
        @if (importError(); as message) {
          <p class="alert alert-error" role="alert">{{ message }}</p>
        }
        <div class="row wrap">
          <label class="label" for="cal-import-room">Room</label>
          <select id="cal-import-room" class="input" [value]="importRoom()" (change)="importRoom.set($any($event.target).value)">
            @for (r of importRooms(); track r.id) {
              <option [value]="r.id">{{ r.name }}</option>
            }
          </select>
          <label class="btn btn-secondary btn-sm file-button" [class.disabled]="importing() || !importRoom()">
            {{ importing() ? 'Importing…' : 'Choose .ics file' }}
            <input class="visually-hidden" type="file" accept=".ics,text/calendar" [disabled]="importing() || !importRoom()" (change)="importFile($event)" />
          </label>
        </div>
        @if (imported(); as result) {
          <div role="status" class="import-result">
            <p>{{ result.created.length === 1 ? '1 event imported.' : result.created.length + ' events imported.' }}</p>
            @if (result.skipped.length) {
              <p>Not imported:</p>
              <ul>
                @for (s of result.skipped; track $index) {
                  <li>
                    <strong>{{ s.summary || s.uid || 'An event' }}</strong>: {{ s.reason }}
                  </li>
                }
              </ul>
            }
          </div>
        }
      </section>
    </div>
  `,
  styleUrls: ['../../shared/dialog/dialog.css', '../../shared/dialog/settings-section.css'],
  styles: `
    .stack {
      display: grid;
      gap: 1.5rem;
    }
    .row {
      display: flex;
      align-items: center;
      gap: 0.6rem;
    }
    .row.wrap {
      flex-wrap: wrap;
    }
    .row .input {
      flex: 1;
      min-width: 10rem;
    }
    .label {
      font-weight: 600;
      font-size: 0.9rem;
    }
    .mono {
      font-family: var(--font-mono);
      font-size: 0.8rem;
    }
    .saved {
      font-size: 0.85rem;
      color: var(--success);
      min-width: 3rem;
    }
    .file-button {
      position: relative;
      cursor: pointer;
    }
    .file-button.disabled {
      opacity: 0.6;
      cursor: default;
    }
    .file-button:focus-within {
      outline: 2px solid var(--focus-ring);
      outline-offset: 2px;
    }
    .import-result {
      font-size: 0.9rem;
    }
    .import-result ul {
      margin: 0.25rem 0 0 1.2rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CalendarSettingsDialog {
  private readonly api = inject(CalendarSettingsApi);
  private readonly dialogRef = inject(DialogRef);
  private readonly confirmation = inject(Confirmation);
  private readonly chat = inject(ChatStore);
  protected readonly notifier = inject(MessageNotifier);

  protected readonly titleId = labelDialog('calendar-settings');
  protected readonly timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  /** The select's value ('none' or minutes), null while loading. */
  protected readonly reminderValue = signal<string | null>(null);
  protected readonly options = computed(() => reminderOptions(this.reminderValue() === null ? 15 : reminderFromOption(this.reminderValue()!)));
  protected readonly reminderSaved = signal('');

  protected readonly feedActive = signal(false);
  protected readonly feedCreatedAt = signal<string | null>(null);
  protected readonly feedUrl = signal<string | null>(null);
  protected readonly feedBusy = signal(false);
  protected readonly feedError = signal<string | null>(null);
  protected readonly copied = signal('');
  protected readonly feedSince = computed(() => {
    const at = this.feedCreatedAt();
    return at ? new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' }) : '';
  });

  /** Rooms an import can go into: not archived, not end-to-end encrypted (the server cannot write text there). */
  protected readonly importRooms = computed(() =>
    this.chat
      .rooms()
      .filter((r) => !r.archivedAt && !r.encrypted)
      .map((r) => ({ id: r.id, name: r.kind === RoomKind.Direct ? `${r.name} (direct)` : r.name })),
  );
  protected readonly importRoom = signal('');
  protected readonly importing = signal(false);
  protected readonly importError = signal<string | null>(null);
  protected readonly imported = signal<CalendarImportResult | null>(null);

  constructor() {
    void this.load();
  }

  protected close(): void {
    this.dialogRef.close();
  }

  private async load(): Promise<void> {
    try {
      const [settings, feed] = await Promise.all([firstValueFrom(this.api.settings()), firstValueFrom(this.api.feedStatus())]);
      this.reminderValue.set(settings.reminderMinutes === null ? 'none' : String(settings.reminderMinutes));
      this.feedActive.set(feed.active);
      this.feedCreatedAt.set(feed.createdAt);
    } catch (err) {
      this.feedError.set(formMessage(toApiError(err)));
    }
    this.importRoom.set(this.importRooms()[0]?.id ?? '');
  }

  protected async saveReminder(value: string): Promise<void> {
    this.reminderSaved.set('');
    try {
      const saved = await firstValueFrom(this.api.saveSettings({ reminderMinutes: reminderFromOption(value) }));
      this.reminderValue.set(saved.reminderMinutes === null ? 'none' : String(saved.reminderMinutes));
      this.reminderSaved.set('Saved');
    } catch (err) {
      this.reminderSaved.set(formMessage(toApiError(err)));
    }
  }

  protected async makeFeed(replacing: boolean): Promise<void> {
    if (
      replacing &&
      !(await this.confirmation.ask({
        title: 'Make a new address?',
        details: ['The current address stops working at once: calendars subscribed to it must subscribe to the new one.'],
        confirmLabel: 'Make a new address',
      }))
    ) {
      return;
    }
    this.feedBusy.set(true);
    this.feedError.set(null);
    this.copied.set('');
    try {
      const feed = await firstValueFrom(this.api.createFeed());
      this.feedUrl.set(feed.url ?? `${location.origin}${feed.path}`);
      this.feedActive.set(true);
      this.feedCreatedAt.set(feed.createdAt);
    } catch (err) {
      this.feedError.set(formMessage(toApiError(err)));
    } finally {
      this.feedBusy.set(false);
    }
  }

  protected async revokeFeed(): Promise<void> {
    const sure = await this.confirmation.ask({
      title: 'Turn off the subscription address?',
      details: ['Calendars subscribed to it stop getting your events.'],
      confirmLabel: 'Turn off',
      danger: true,
    });
    if (!sure) return;
    this.feedBusy.set(true);
    this.feedError.set(null);
    try {
      await firstValueFrom(this.api.revokeFeed());
      this.feedActive.set(false);
      this.feedUrl.set(null);
      this.feedCreatedAt.set(null);
    } catch (err) {
      this.feedError.set(formMessage(toApiError(err)));
    } finally {
      this.feedBusy.set(false);
    }
  }

  protected async copy(url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.copied.set('Copied.');
    } catch {
      this.copied.set('Select the address and copy it.');
    }
  }

  protected async importFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.importError.set(null);
    this.imported.set(null);
    if (file.size > CALENDAR_IMPORT_MAX_BYTES) {
      this.importError.set(`The file is too large: Parley imports files of up to ${Math.round(CALENDAR_IMPORT_MAX_BYTES / 1_000_000)} MB.`);
      return;
    }
    this.importing.set(true);
    try {
      this.imported.set(await firstValueFrom(this.api.importFile(this.importRoom(), await file.text(), this.timeZone)));
    } catch (err) {
      this.importError.set(formMessage(toApiError(err)));
    } finally {
      this.importing.set(false);
    }
  }
}
