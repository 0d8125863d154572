import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { REMINDER_CHOICES, RoomKind, RoomRole } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { ChatStore } from '../../chat/chat-store';
import { Confirmation } from '../../shared/dialog/confirmation';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { saveBlob } from '../../shared/save-file';
import { CalendarApi } from '../calendar-api';
import { CalendarDialogs } from '../calendar-dialogs';
import { addDays } from '../calendar-layout';
import { CalendarStore } from '../calendar-store';
import { CalendarText } from '../calendar-text';
import { icsWithText } from '../ics-text';
import { linkParts } from '../linked-text';
import { occurrenceInEventZone, occurrenceWhen } from '../occurrence-words';
import { describeRrule } from '../repeat-rule';
import { roomColour } from '../room-colours';
import { RsvpButtons } from '../rsvp-buttons/rsvp-buttons';
import { reminderLabel } from '../settings/reminder-choices';

export interface EventDetailData {
  roomId: string;
  eventId: string;
  /** The occurrence's key (its original local start). */
  occurrence: string;
}

/**
 * One occurrence of an event: when (in my zone, and the event's when it differs), where, what, the room, the
 * repeat rule in words and who made it; my answer with everyone's; my reminder; and for its creator or the room's
 * owner/admins, changing or cancelling the event or this occurrence alone.
 */
@Component({
  selector: 'app-event-detail-dialog',
  imports: [RsvpButtons, RouterLink],
  templateUrl: './event-detail-dialog.html',
  styleUrls: ['../../shared/dialog/dialog.css', './event-detail-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventDetailDialog {
  private readonly dialogRef = inject(DialogRef);
  private readonly data = inject<EventDetailData>(DIALOG_DATA);
  private readonly store = inject(CalendarStore);
  private readonly api = inject(CalendarApi);
  private readonly chat = inject(ChatStore);
  private readonly text = inject(CalendarText);
  private readonly dialogs = inject(CalendarDialogs);
  private readonly confirmation = inject(Confirmation);

  protected readonly titleId = labelDialog('event-detail');
  protected readonly event = this.store.event(this.data.roomId, this.data.eventId);
  protected readonly occurrence = this.store.occurrence(this.data.roomId, this.data.eventId, this.data.occurrence);
  protected readonly room = computed(() => this.chat.room(this.data.roomId));
  protected readonly roomName = computed(() => {
    const r = this.room();
    return r ? (r.kind === RoomKind.Public ? `#${r.name}` : r.name) : '';
  });
  protected readonly colour = roomColour(this.data.roomId);
  protected readonly content = computed(() => {
    const e = this.event();
    return e ? this.text.of(e) : null;
  });
  protected readonly title = computed(() => {
    const e = this.event();
    return e ? this.text.title(e) : 'Event';
  });
  protected readonly when = computed(() => {
    const o = this.occurrence();
    const e = this.event();
    return o && e ? occurrenceWhen(o, e.allDay) : '';
  });
  protected readonly zoneWhen = computed(() => {
    const o = this.occurrence();
    const e = this.event();
    return o && e ? occurrenceInEventZone(o, e) : null;
  });
  protected readonly movedFrom = computed(() => {
    const o = this.occurrence();
    const e = this.event();
    if (!o?.moved || !e) return null;
    return e.allDay ? o.occurrence : o.occurrence.replace('T', ' ');
  });
  protected readonly repeat = computed(() => {
    const e = this.event();
    return e ? describeRrule(e.rrule, e) : '';
  });
  protected readonly location = computed(() => linkParts(this.content()?.location ?? ''));
  protected readonly description = computed(() => linkParts(this.content()?.description ?? ''));
  protected readonly people = computed(() => {
    const people = this.occurrence()?.rsvp.people ?? [];
    const names = (status: string) => people.filter((p) => p.status === status).map((p) => p.name).join(', ');
    return [
      { label: 'Going', names: names('going') },
      { label: 'Maybe', names: names('maybe') },
      { label: "Can't go", names: names('declined') },
    ].filter((g) => g.names);
  });
  /** The creator, and the room's owner and admins, may change and cancel it. */
  protected readonly canManage = computed(() => {
    const e = this.event();
    const role = this.room()?.myRole;
    return !!e && (e.createdBy.id === this.chat.userId || role === RoomRole.Owner || role === RoomRole.Admin);
  });
  protected readonly cancelled = computed(() => this.event()?.cancelled || this.occurrence()?.cancelled || false);
  protected readonly changed = computed(() => !!this.occurrence() && (this.occurrence()!.moved || (this.occurrence()!.cancelled && !this.event()?.cancelled)));

  protected readonly reminderOptions = [
    { value: 'default', label: 'Default (my setting)' },
    { value: 'none', label: 'None' },
    ...REMINDER_CHOICES.map((m) => ({ value: String(m), label: reminderLabel(m) })),
  ];
  protected readonly reminder = computed(() => {
    this.event();
    const r = this.store.reminderOf(this.data.eventId);
    return r === undefined ? 'default' : r === null ? 'none' : String(r);
  });
  protected readonly reminderSaved = signal('');

  protected readonly moving = signal(false);
  protected readonly moveStart = signal('');
  protected readonly moveEnd = signal('');
  protected readonly problem = signal<string | null>(null);
  protected readonly busy = signal(false);

  protected close(): void {
    this.dialogRef.close();
  }

  protected async setReminder(value: string): Promise<void> {
    const e = this.event();
    if (!e) return;
    this.reminderSaved.set('');
    await this.run(async () => {
      await this.store.setReminder(e, value === 'default' ? 'default' : value === 'none' ? null : Number(value));
      this.reminderSaved.set('Saved');
    });
  }

  protected async edit(): Promise<void> {
    const e = this.event();
    if (!e) return;
    this.close();
    await this.dialogs.editEvent(e);
  }

  protected async cancelEvent(): Promise<void> {
    const e = this.event();
    if (!e) return;
    const yes = await this.confirmation.ask({
      title: `Cancel “${this.title()}”?`,
      details: [e.rrule ? 'Every occurrence is cancelled. It stays in the calendar, marked cancelled, and the room is told.' : 'It stays in the calendar, marked cancelled.'],
      confirmLabel: 'Cancel event',
      danger: true,
    });
    if (yes) await this.run(() => this.store.cancel(e));
  }

  protected async cancelOccurrence(cancelled: boolean): Promise<void> {
    const e = this.event();
    if (e) await this.run(() => this.store.cancelOccurrence(e, this.data.occurrence, cancelled));
  }

  protected async restore(): Promise<void> {
    const e = this.event();
    if (e) await this.run(() => this.store.restoreOccurrence(e, this.data.occurrence));
  }

  protected startMoving(): void {
    const o = this.occurrence();
    const e = this.event();
    if (!o || !e) return;
    this.moveStart.set(o.localStart);
    this.moveEnd.set(e.allDay ? addDays(o.localEnd, -1) : o.localEnd);
    this.moving.set(true);
  }

  protected async move(): Promise<void> {
    const e = this.event();
    if (!e) return;
    const end = e.allDay ? addDays(this.moveEnd(), 1) : this.moveEnd();
    await this.run(async () => {
      await this.store.moveOccurrence(e, this.data.occurrence, this.moveStart(), end);
      this.moving.set(false);
    });
  }

  protected async downloadIcs(): Promise<void> {
    const e = this.event();
    if (!e) return;
    const text = this.content();
    await this.run(async () => {
      let blob = await firstValueFrom(this.api.ics(e.roomId, e.id));
      // An encrypted room's file comes with the times only: the text this device decrypted goes in here.
      if (e.encrypted && text?.state === 'decrypted') blob = new Blob([await icsWithText(await blob.text(), text)], { type: 'text/calendar' });
      saveBlob(blob, `${this.title().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'event'}.ics`);
    });
  }

  private async run(task: () => Promise<void>): Promise<void> {
    this.problem.set(null);
    this.busy.set(true);
    try {
      await task();
    } catch (err) {
      this.problem.set(this.store.problem(err));
    } finally {
      this.busy.set(false);
    }
  }
}
