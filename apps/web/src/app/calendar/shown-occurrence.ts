import { CalendarEvent, CalendarOccurrence } from '@parley/contracts';
import { Placeable } from './calendar-layout';

/** An occurrence as the calendar views show it: with its event, its text, its room and the room's colour. */
export interface ShownOccurrence extends Placeable {
  key: string;
  occurrence: CalendarOccurrence;
  event: CalendarEvent;
  title: string;
  roomName: string;
  colour: string;
  cancelled: boolean;
}

/** What the screen reader hears for an occurrence: its title, when, where, and whether it is off. */
export function occurrenceLabel(item: ShownOccurrence, when: string): string {
  return [item.title, when, item.roomName, item.cancelled ? 'cancelled' : ''].filter(Boolean).join(', ');
}
