import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import {
  CALENDAR_DESCRIPTION_MAX_LENGTH,
  CALENDAR_LOCATION_MAX_LENGTH,
  CALENDAR_TITLE_MAX_LENGTH,
  CalendarEvent,
  CreateCalendarEventRequest,
  RoomKind,
} from '@parley/contracts';
import { ChatStore } from '../../chat/chat-store';
import { FormErrors, describeApiError } from '../../core/api-error';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { FieldControl, FormField } from '../../shared/form-field';
import { dayValue } from '../../shared/local-day';
import { EventDialogData } from '../calendar-dialogs';
import { addDays } from '../calendar-layout';
import { CalendarStore } from '../calendar-store';
import { CalendarText } from '../calendar-text';
import { RepeatEnd, RepeatFrequency, WEEKDAYS, WEEKDAY_NAMES, Weekday, buildRrule, describeRrule, parseRrule, weekdayOf } from '../repeat-rule';
import { browserTimeZone, knownTimeZones } from '../zoned-time';

/** The fields the server names in a 400, with the labels the dialog shows. */
const LABELS = {
  roomId: 'Room',
  title: 'Title',
  description: 'Description',
  location: 'Location',
  allDay: 'All day',
  start: 'Start',
  end: 'End',
  timeZone: 'Time zone',
  rrule: 'Repeat',
} as const;
type EventField = keyof typeof LABELS;

/** Which server field each control's change clears. */
const FIELD_OF: Record<string, EventField> = {
  roomId: 'roomId',
  title: 'title',
  description: 'description',
  location: 'location',
  allDay: 'allDay',
  startDate: 'start',
  startTime: 'start',
  endDate: 'end',
  endTime: 'end',
  timeZone: 'timeZone',
  frequency: 'rrule',
  interval: 'rrule',
  ends: 'rrule',
  until: 'rrule',
  count: 'rrule',
};

const UNITS: Record<Exclude<RepeatFrequency, 'none'>, [string, string]> = { daily: ['day', 'days'], weekly: ['week', 'weeks'], monthly: ['month', 'months'], yearly: ['year', 'years'] };

/** Minutes since an epoch for a wall time (`2026-10-12`, `09:00`), to move the end with the start. */
function wallMinutes(date: string, time: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10), +time.slice(0, 2) || 0, +time.slice(3, 5) || 0) / 60_000;
}

function fromWallMinutes(minutes: number): { date: string; time: string } {
  const iso = new Date(minutes * 60_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** A new event's times: the next full hour today (or 09:00 on another day), for an hour. */
function defaultTimes(day: string, now = new Date()): { start: string; end: string } {
  const today = dayValue(now);
  if (day !== today) return { start: `${day}T09:00`, end: `${day}T10:00` };
  const next = wallMinutes(today, `${String(now.getHours()).padStart(2, '0')}:00`) + 60;
  const s = fromWallMinutes(next);
  const e = fromWallMinutes(next + 60);
  return { start: `${s.date}T${s.time}`, end: `${e.date}T${e.time}` };
}

/**
 * Creates an event (in a room chosen here, or the room it was opened from) or changes one: title, description,
 * place or link, all-day or times in a time zone, and a repeat rule (built as an RRULE). In an end-to-end
 * encrypted room the text is encrypted on this device; the dialog says what the server still sees.
 */
@Component({
  selector: 'app-event-dialog',
  imports: [ReactiveFormsModule, FormField, FieldControl],
  templateUrl: './event-dialog.html',
  styleUrls: ['../../shared/dialog/dialog.css', './event-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventDialog {
  private readonly dialogRef = inject<DialogRef<CalendarEvent | undefined, EventDialog>>(DialogRef);
  private readonly data = inject<EventDialogData>(DIALOG_DATA, { optional: true }) ?? {};
  private readonly chat = inject(ChatStore);
  private readonly store = inject(CalendarStore);
  private readonly text = inject(CalendarText);

  protected readonly titleId = labelDialog('event');
  protected readonly labels = LABELS;
  protected readonly limits = { title: CALENDAR_TITLE_MAX_LENGTH, description: CALENDAR_DESCRIPTION_MAX_LENGTH, location: CALENDAR_LOCATION_MAX_LENGTH };
  protected readonly editing = this.data.event ?? null;
  /** Fixed when opened from a room or to change an event; chosen here from the calendar page. */
  protected readonly roomFixed = !!(this.data.roomId || this.editing);
  protected readonly rooms = computed(() =>
    this.chat
      .rooms()
      .filter((r) => !r.archivedAt || r.id === this.editing?.roomId)
      .map((r) => ({ id: r.id, name: r.kind === RoomKind.Public ? `#${r.name}` : r.kind === RoomKind.Direct ? `${r.name} (direct)` : r.name, encrypted: r.encrypted })),
  );
  protected readonly weekdays = WEEKDAYS.map((d) => ({ id: d, short: WEEKDAY_NAMES[d].slice(0, 3), long: WEEKDAY_NAMES[d] }));
  protected readonly zones = knownTimeZones();

  protected readonly form = this.buildForm();
  private readonly values = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });
  /** The rule of an event being changed that the fields cannot show ("the last Friday of the month"): kept unless replaced. */
  protected readonly customRule = this.editing && parseRrule(this.editing.rrule, this.editing) === null ? this.editing.rrule : null;
  protected readonly customRuleWords = this.customRule && this.editing ? describeRrule(this.customRule, this.editing) : '';

  protected readonly weekdaysChosen = signal<Weekday[]>(this.initialWeekdays());
  protected readonly room = computed(() => this.chat.room(this.values().roomId ?? '') ?? null);
  protected readonly encrypted = computed(() => this.room()?.encrypted ?? false);
  protected readonly unit = computed(() => {
    const f = this.values().frequency as RepeatFrequency | 'custom';
    if (f === 'none' || f === 'custom' || !f) return '';
    return UNITS[f][Number(this.values().interval) === 1 ? 0 : 1];
  });
  protected readonly errors = signal<FormErrors<EventField>>({ form: null, fields: {} });
  protected readonly busy = signal(false);

  constructor() {
    const destroyRef = inject(DestroyRef);
    for (const [name, control] of Object.entries(this.form.controls) as [string, AbstractControl][]) {
      control.valueChanges.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.clearError(FIELD_OF[name]));
    }
    // Moving the start moves the end with it (the length stays), as in every calendar app.
    let start = wallMinutes(this.form.controls.startDate.value, this.form.controls.startTime.value);
    const moveEnd = () => {
      const { startDate, startTime, endDate, endTime } = this.form.getRawValue();
      if (!startDate) return;
      const now = wallMinutes(startDate, startTime);
      if (!Number.isFinite(now) || !endDate) return;
      const end = fromWallMinutes(wallMinutes(endDate, endTime) + (now - start));
      start = now;
      this.form.patchValue({ endDate: end.date, endTime: end.time }, { emitEvent: false });
    };
    this.form.controls.startDate.valueChanges.pipe(takeUntilDestroyed(destroyRef)).subscribe(moveEnd);
    // A weekly event on the start's own weekday follows the start to another day.
    let startDay = this.form.controls.startDate.value;
    this.form.controls.startDate.valueChanges.pipe(takeUntilDestroyed(destroyRef)).subscribe((day) => {
      const days = this.weekdaysChosen();
      if (day && days.length === 1 && startDay && days[0] === weekdayOf(startDay)) this.weekdaysChosen.set([weekdayOf(day)]);
      startDay = day;
    });
    this.form.controls.startTime.valueChanges.pipe(takeUntilDestroyed(destroyRef)).subscribe(moveEnd);
  }

  protected fieldError(field: EventField): string | null {
    return this.errors().fields[field] ?? null;
  }

  protected toggleWeekday(day: Weekday, on: boolean): void {
    this.weekdaysChosen.update((days) => (on ? [...days.filter((d) => d !== day), day] : days.filter((d) => d !== day)));
    this.clearError('rrule');
  }

  protected close(): void {
    this.dialogRef.close(undefined);
  }

  protected async save(): Promise<void> {
    if (this.busy()) return;
    const v = this.form.getRawValue();
    const problems: Partial<Record<EventField, string>> = {};
    if (!v.roomId) problems.roomId = 'Choose the room the event is for.';
    if (!v.title.trim()) problems.title = 'Title is required.';
    if (!v.startDate || (!v.allDay && !v.startTime)) problems.start = 'Start needs a date and a time.';
    if (!v.endDate || (!v.allDay && !v.endTime)) problems.end = 'End needs a date and a time.';
    if (v.frequency !== 'none' && v.frequency !== 'custom' && v.ends === 'until' && !v.until) problems.rrule = 'Choose the last day, or another way to end.';
    if (Object.keys(problems).length) {
      this.errors.set({ form: null, fields: problems });
      return;
    }
    const start = v.allDay ? v.startDate : `${v.startDate}T${v.startTime}`;
    // All-day: the field says the last day; the calendar wants the day after (exclusive, as iCalendar).
    const end = v.allDay ? addDays(v.endDate, 1) : `${v.endDate}T${v.endTime}`;
    const anchor = { start, allDay: v.allDay, timeZone: v.timeZone };
    const rrule =
      v.frequency === 'custom'
        ? undefined
        : buildRrule({ frequency: v.frequency, interval: Number(v.interval), weekdays: this.weekdaysChosen(), ends: v.ends, until: v.until, count: Number(v.count) }, anchor);
    const request: CreateCalendarEventRequest = { start, end, timeZone: v.timeZone, allDay: v.allDay, ...(rrule === undefined ? {} : { rrule }) };
    const content = { title: v.title.trim(), description: v.description.trim(), location: v.location.trim() };

    this.busy.set(true);
    this.errors.set({ form: null, fields: {} });
    try {
      if (this.encrypted()) request.encrypted = await this.text.encrypt(v.roomId, content);
      else Object.assign(request, content);
      const saved = this.editing ? await this.store.update(this.editing, request) : await this.store.create(v.roomId, request);
      this.dialogRef.close(saved);
    } catch (err) {
      this.errors.set(describeApiError(err, LABELS));
    } finally {
      this.busy.set(false);
    }
  }

  private buildForm() {
    const e = this.editing;
    const day = this.data.day ?? dayValue(new Date());
    const times = defaultTimes(day);
    const text = e ? this.text.of(e) : null;
    const start = e?.start ?? times.start;
    // An all-day event's end is exclusive; the field shows its last day.
    const end = e ? (e.allDay ? addDays(e.end, -1) : e.end) : times.end;
    const repeat = e ? parseRrule(e.rrule, e) : null;
    const rooms = this.chat.rooms().filter((r) => !r.archivedAt);
    return inject(NonNullableFormBuilder).group({
      roomId: [e?.roomId ?? this.data.roomId ?? rooms[0]?.id ?? ''],
      title: [text?.title ?? ''],
      description: [text?.description ?? ''],
      location: [text?.location ?? ''],
      allDay: [e?.allDay ?? false],
      startDate: [start.slice(0, 10)],
      startTime: [start.slice(11, 16) || '09:00'],
      endDate: [end.slice(0, 10)],
      endTime: [end.slice(11, 16) || '10:00'],
      timeZone: [e?.timeZone ?? browserTimeZone()],
      frequency: [(e && !repeat ? 'custom' : (repeat?.frequency ?? 'none')) as RepeatFrequency | 'custom'],
      interval: [repeat?.interval ?? 1],
      ends: [(repeat?.ends ?? 'never') as RepeatEnd],
      until: [repeat?.until ?? ''],
      count: [repeat?.count ?? 10],
    });
  }

  private initialWeekdays(): Weekday[] {
    const e = this.editing;
    const repeat = e ? parseRrule(e.rrule, e) : null;
    if (repeat?.weekdays.length) return repeat.weekdays;
    return [weekdayOf(this.form.controls.startDate.value)];
  }

  private clearError(field: EventField | undefined): void {
    if (!field) return;
    const current = this.errors();
    if (!(field in current.fields)) return;
    const fields = { ...current.fields };
    delete fields[field];
    this.errors.set({ form: current.form, fields });
  }
}
