import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RoomEvent, RoomEventUser, describeRoomEvent } from '@parley/contracts';
import { LocalTimePipe } from '../../shared/local-time-pipe';
import { SystemRow } from '../timeline';

/** A system line as the conversation shows it: what happened in words, from my side ("Ada added you"). */
export interface SystemLineRow extends SystemRow {
  text: string;
}

/**
 * A system message in words from the viewer's side ("Ada added you"), naming people as they are called now
 * (the event keeps the names of the day; `currentName` knows renames since, when it knows the person).
 */
export function systemLineText(event: RoomEvent, me: string | null, currentName: (userId: string) => string | undefined): string {
  const now = (u: RoomEventUser): RoomEventUser => ({ id: u.id, name: currentName(u.id) ?? u.name });
  return describeRoomEvent({ ...event, actor: now(event.actor), ...(event.user ? { user: now(event.user) } : {}) }, me ?? undefined);
}

/**
 * A change to the room ("Ada added Bob", "You renamed the room to “Liftoff”") as a quiet, centred line between
 * the messages, with its time: no bubble, no avatar, no actions.
 */
@Component({
  selector: 'app-system-line',
  imports: [LocalTimePipe],
  template: `
    @let r = row();
    <p class="line">
      <span class="text">{{ r.text }}</span>
      <time [attr.datetime]="r.message.createdAt" [title]="r.message.createdAt | localTime: 'full'">{{ r.message.createdAt | localTime: 'time' }}</time>
    </p>
  `,
  styleUrl: './system-line.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SystemLine {
  readonly row = input.required<SystemLineRow>();
}
