import { CalendarEvent, RoomSummary } from '@parley/contracts';
import type { BrowserContext, Page } from 'playwright-core';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { browserSuite } from './support/suite';
import { eventually, expectCount, expectHidden, expectPath, expectVisible } from './support/ui-expect';

const suite = browserSuite({ DM_POLICY: 'anyone' });

/** The reminder pass runs every 10 s in one server process. */
const PASS_MS = 10_000;

/** A UTC wall time `ms` from now, in whole minutes (as events take them). */
function utcIn(ms: number): string {
  return new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000).toISOString().slice(0, 16);
}

/** Lets the page show browser notifications, and records them in `window.__notifications` (title, body). */
async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.grantPermissions(['notifications']);
  await context.addInitScript(() => {
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { __notifications: typeof shown }).__notifications = shown;
    class Recorded {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body ?? '' });
      }
      close(): void {
        // Nothing to close: the test only records what was shown.
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
  });
}

const notifications = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications);
const reminders = (page: Page) => page.getByRole('region', { name: 'Calendar reminders' });

test('a reminder arrives in the app and as a browser notification, opens its room, and stays dismissed', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Launch', memberIds: [bo!.api.user.id] });
  const bob = await suite.signedIn(bo!.account, DESKTOP);
  await recordNotifications(bob.context);
  await bob.page.reload();

  // Ana plans a review starting in 5 minutes: Bo's reminder (15 minutes before, the default) is due at once.
  const review = await ana!.api.call<CalendarEvent>('POST', `/api/rooms/${room.id}/events`, { title: 'Launch review', start: utcIn(5 * 60_000), end: utcIn(35 * 60_000), timeZone: 'UTC' });
  const card = reminders(bob.page).getByRole('article', { name: 'Launch review' });
  await expectVisible(card, 3 * PASS_MS);
  await expectVisible(card.getByText(/^Starts in [56] minutes \(\d\d:\d\d( [AP]M)?\) · Launch$/));
  await eventually(async () => expect(await notifications(bob.page)).toEqual([{ title: 'Launch review', body: expect.stringMatching(/^Starts in [56] minutes \(\d\d:\d\d( [AP]M)?\) · Launch$/) }]));
  await screenshot(bob.page, 'calendar-reminder-desktop');
  await new AccessibilityAudit('calendar-reminders').check(bob.page, 'a reminder over the page', 'app-calendar-notice-toasts');

  // Opening it goes to the room, where the event was announced; the reminder is done.
  await card.getByRole('button', { name: 'Open room' }).click();
  await expectPath(bob.page, `/r/${room.id}`);
  await expectCount(reminders(bob.page).getByRole('article'), 0);
  await bob.page.reload();
  await expectVisible(bob.page.getByRole('region', { name: 'Messages' }));
  await expectCount(reminders(bob.page).getByRole('article'), 0);

  // On a phone: the first reminder is not shown again (it was dismissed on the desktop); a second one comes
  // across the top, and a reload brings it back until it is dismissed, which takes it off the desktop too.
  const phone = await suite.signedIn(bo!.account, PHONE);
  const standup = await ana!.api.call<CalendarEvent>('POST', `/api/rooms/${room.id}/events`, { title: 'Go/no-go', start: utcIn(8 * 60_000), end: utcIn(20 * 60_000), timeZone: 'UTC' });
  const second = reminders(phone.page).getByRole('article', { name: 'Go/no-go' });
  await expectVisible(second, 3 * PASS_MS);
  await screenshot(phone.page, 'calendar-reminder-phone');
  await phone.page.reload();
  await expectVisible(second);
  await expectVisible(reminders(bob.page).getByRole('article', { name: 'Go/no-go' }));
  await second.getByRole('button', { name: 'Dismiss Go/no-go' }).click();
  await expectCount(reminders(phone.page).getByRole('article'), 0);
  await expectCount(reminders(bob.page).getByRole('article'), 0);
  await phone.page.reload();
  await expectVisible(phone.page.getByRole('navigation', { name: 'Main' }).or(phone.page.getByRole('button', { name: 'Open navigation' })));
  await eventually(async () => expect(await reminders(phone.page).getByRole('article').count()).toBe(0));

  // Ana calls the review off: Bo is told (a notice, not a browser notification).
  await ana!.api.call('POST', `/api/rooms/${room.id}/events/${review.id}/cancel`);
  await expectVisible(reminders(bob.page).getByRole('article', { name: 'Cancelled: Launch review' }));
  // Since its last reload, Bo's desktop showed the second reminder as a browser notification, not the cancellation.
  expect((await notifications(bob.page)).map((n) => n.title)).toEqual([standup.title]);

  await bob.assertClean();
  await phone.assertClean();
});

test('a reminder that fell due while the page was offline shows when it is back online, as a browser notification too', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Offsite', memberIds: [bo!.api.user.id] });
  const bob = await suite.signedIn(bo!.account, DESKTOP);
  await recordNotifications(bob.context);
  // Bo has the room open (where the app says when it is offline).
  await bob.page.goto(`/r/${room.id}`);
  await expectVisible(bob.page.getByRole('region', { name: 'Messages' }));

  // Bo's laptop loses the network; meanwhile a reminder falls due and the server sends it (to nobody listening).
  await bob.context.setOffline(true);
  await expectVisible(bob.page.getByText("You're offline."));
  const event = await ana!.api.call<CalendarEvent>('POST', `/api/rooms/${room.id}/events`, { title: 'Offsite plan', start: utcIn(5 * 60_000), end: utcIn(35 * 60_000), timeZone: 'UTC' });
  await eventually(async () => {
    const { notices } = await bo!.api.call<{ notices: { eventId: string }[] }>('GET', '/api/calendar/notices');
    expect(notices.map((n) => n.eventId)).toContain(event.id);
  }, 3 * PASS_MS);

  // Back online: the reminder is there, and pops up as a browser notification like a live one.
  await bob.context.setOffline(false);
  await expectVisible(reminders(bob.page).getByRole('article', { name: 'Offsite plan' }), 15_000);
  await eventually(async () => expect((await notifications(bob.page)).map((n) => n.title)).toEqual(['Offsite plan']));
  // Reconnecting again does not bring it back once dismissed, nor notify twice.
  await reminders(bob.page).getByRole('button', { name: 'Dismiss Offsite plan' }).click();
  await bob.context.setOffline(true);
  await expectVisible(bob.page.getByText("You're offline."));
  await bob.context.setOffline(false);
  await expectHidden(bob.page.getByText("You're offline."));
  await bob.page.waitForTimeout(500);
  await expectCount(reminders(bob.page).getByRole('article'), 0);
  expect((await notifications(bob.page)).map((n) => n.title)).toEqual(['Offsite plan']);
  bob.forgetOfflineNoise();
  await bob.assertClean();
});
