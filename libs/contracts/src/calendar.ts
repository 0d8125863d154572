import type { EncryptedContent } from './e2ee';

/**
 * The room calendar (docs/calendar.md): events in a room, with a local start and end in an IANA time zone,
 * an optional RFC 5545 recurrence rule, single-occurrence exceptions and RSVPs per occurrence.
 */

export const CALENDAR_TITLE_MAX_LENGTH = 200;
export const CALENDAR_DESCRIPTION_MAX_LENGTH = 4000;
export const CALENDAR_LOCATION_MAX_LENGTH = 500;
/** The longest RRULE value accepted. */
export const CALENDAR_RRULE_MAX_LENGTH = 300;
/** The longest one occurrence may last, in days. */
export const CALENDAR_EVENT_MAX_DAYS = 31;
/** The widest range one listing may cover, in days. */
export const CALENDAR_RANGE_MAX_DAYS = 366;
/** The most single-occurrence exceptions (moves and cancellations) one event may have. */
export const CALENDAR_EXCEPTIONS_MAX = 500;
/** A local date-time as the calendar takes it: `2026-10-12T09:00`. */
export const CALENDAR_LOCAL_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
/** A date (all-day events): `2026-10-12`. */
export const CALENDAR_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const RsvpStatus = { Going: 'going', Maybe: 'maybe', Declined: 'declined' } as const;
export type RsvpStatus = (typeof RsvpStatus)[keyof typeof RsvpStatus];
export const RSVP_STATUSES: readonly RsvpStatus[] = Object.values(RsvpStatus);

/**
 * What an encrypted event's `encrypted` ciphertext holds once decrypted (Megolm, like messages; the event type
 * inside is CALENDAR_E2EE_EVENT_TYPE). Times, the zone and the rule stay in clear.
 */
export interface EncryptedCalendarContent {
  title: string;
  description: string;
  location: string;
}
export const CALENDAR_E2EE_EVENT_TYPE = 'parley.calendar.event';

/** One occurrence moved or cancelled, named by its original local start (its `occurrence` key). */
export interface CalendarException {
  /** The occurrence's original local start in the event's zone (`2026-10-26T09:00`; a date for all-day events). */
  occurrence: string;
  cancelled: boolean;
  /** Where it moved to, local in the event's zone (dates for all-day events, end exclusive); null when not moved. */
  start: string | null;
  end: string | null;
}

export interface CalendarEvent {
  id: string;
  roomId: string;
  /** Empty in an end-to-end encrypted room: the text is in `encrypted`. */
  title: string;
  description: string;
  /** A place or a link. */
  location: string;
  /** Set in end-to-end encrypted rooms: the Megolm ciphertext of an EncryptedCalendarContent. */
  encrypted: EncryptedContent | null;
  allDay: boolean;
  /** Local date-time in `timeZone` (`2026-10-12T09:00`), or a date for an all-day event. */
  start: string;
  /** Local date-time in `timeZone`, or for an all-day event the day after the last day (exclusive, as iCalendar). */
  end: string;
  /** IANA time zone, such as `Europe/Berlin`. */
  timeZone: string;
  /** RFC 5545 RRULE value (`FREQ=WEEKLY;BYDAY=MO`), or null for a single event. */
  rrule: string | null;
  cancelled: boolean;
  createdBy: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
  exceptions: CalendarException[];
}

export interface RsvpPerson {
  userId: string;
  name: string;
  status: RsvpStatus;
}

export interface RsvpSummary {
  going: number;
  maybe: number;
  declined: number;
  /** Everyone who answered, by name. */
  people: RsvpPerson[];
  /** The caller's own answer. */
  mine: RsvpStatus | null;
}

/** One occurrence of an event as it happens: exceptions applied. */
export interface CalendarOccurrence {
  eventId: string;
  roomId: string;
  /** The occurrence's key: its original local start (stays the same when it is moved). */
  occurrence: string;
  /** ISO instants. */
  start: string;
  end: string;
  /** Local in the event's zone (dates for all-day events, end exclusive). */
  localStart: string;
  localEnd: string;
  moved: boolean;
  /** This occurrence, or the whole event, is cancelled. */
  cancelled: boolean;
  rsvp: RsvpSummary;
}

/** A range of a calendar: the occurrences that overlap it, and the events they belong to. */
export interface CalendarRange {
  from: string;
  to: string;
  events: CalendarEvent[];
  occurrences: CalendarOccurrence[];
  /** My own reminder choices for these events, where I changed them (minutes, or null for none); others follow my settings. */
  reminders: Record<string, number | null>;
}

export interface CreateCalendarEventRequest {
  /** Required outside encrypted rooms; must be left out (or empty) in one. */
  title?: string;
  description?: string;
  location?: string;
  /** Required in an end-to-end encrypted room, refused elsewhere. */
  encrypted?: EncryptedContent;
  allDay?: boolean;
  start: string;
  end: string;
  timeZone: string;
  rrule?: string | null;
}

export type UpdateCalendarEventRequest = Partial<CreateCalendarEventRequest>;

/** Move one occurrence (`start` and `end`, local in the event's zone) or cancel it. */
export interface ChangeOccurrenceRequest {
  cancelled?: boolean;
  start?: string;
  end?: string;
}

export interface RsvpRequest {
  status: RsvpStatus;
}

/** A personal subscription feed, as created: the token is shown once. */
export interface CalendarFeed {
  token: string;
  /** `/api/calendar/feed/<token>.ics`. */
  path: string;
  /** The full URL when the server knows its public URL (PUBLIC_URL), else null: prefix your origin to `path`. */
  url: string | null;
  createdAt: string;
}

export interface CalendarFeedStatus {
  active: boolean;
  createdAt: string | null;
}

// Socket.IO payloads (ServerToClientEvents in realtime.ts), sent to the room's members.
export interface CalendarEventChange {
  event: CalendarEvent;
}

export interface CalendarOccurrenceChange {
  roomId: string;
  eventId: string;
  occurrence: string;
  /** The exception now in force, or null when the occurrence is back as the rule says. */
  exception: CalendarException | null;
}

export interface CalendarRsvpChange {
  roomId: string;
  eventId: string;
  occurrence: string;
  userId: string;
  name: string;
  /** null: the answer was removed. */
  status: RsvpStatus | null;
}

// Reminders and notices (docs/calendar.md "Reminders").

/** Minutes before an occurrence's start that a reminder fires unless the user chose otherwise. */
export const REMINDER_DEFAULT_MINUTES = 15;
/** The earliest a reminder may fire: a week before. */
export const REMINDER_MAX_MINUTES = 10080;
/** The choices the web app offers (any whole number 0–REMINDER_MAX_MINUTES is accepted). */
export const REMINDER_CHOICES: readonly number[] = [0, 5, 10, 15, 30, 60, 120, 1440];

/** My calendar settings: when reminders fire by default (`null`: no reminders). */
export interface CalendarSettings {
  reminderMinutes: number | null;
}

/** My reminder for one event: minutes before each occurrence, `null` for none; `default` follows my settings. */
export interface EventReminderRequest {
  minutes: number | null;
}

/** What a notice says. */
export const CalendarNoticeKind = {
  /** An occurrence starts in `minutesBefore` minutes (or less, when the reminder came late). */
  Reminder: 'reminder',
  /** An occurrence I am going to (or maybe) has started. */
  Starting: 'starting',
  /** An occurrence, or the whole event, was cancelled by someone else. */
  Cancelled: 'cancelled',
} as const;
export type CalendarNoticeKind = (typeof CalendarNoticeKind)[keyof typeof CalendarNoticeKind];

/**
 * A notice for one person about one occurrence, written once (a reminder fires exactly once per occurrence per
 * person, whichever API process sends it). Sent live as `calendar:notice` and listed by `GET /calendar/notices`.
 */
export interface CalendarNotice {
  id: string;
  kind: CalendarNoticeKind;
  roomId: string;
  roomName: string;
  eventId: string;
  occurrence: string;
  /** Empty in an end-to-end encrypted room: the device decrypts the event's text. */
  title: string;
  allDay: boolean;
  timeZone: string;
  /** ISO instants of the occurrence as it happens (moved ones where they moved to). */
  start: string;
  end: string;
  /** The reminder's lead in minutes (reminders only). */
  minutesBefore: number | null;
  /** When it was sent. */
  at: string;
  /** When I dismissed it (on any of my devices), or null. */
  dismissedAt: string | null;
}

export interface CalendarNoticeList {
  notices: CalendarNotice[];
}

/** Importing an `.ics` file into a room. */
export interface CalendarImportResult {
  /** The events created, in the file's order. */
  created: CalendarEvent[];
  /** Components that could not be taken, with the reason (the rest are imported). */
  skipped: { uid: string | null; summary: string; reason: string }[];
}
/** The largest `.ics` file an import takes, in bytes. */
export const CALENDAR_IMPORT_MAX_BYTES = 1_000_000;
/** The most events one import creates. */
export const CALENDAR_IMPORT_MAX_EVENTS = 500;
