import { CalendarRange, RoomSummary } from '@parley/contracts';
import type { Page } from 'playwright-core';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { conversationLink } from './support/chat-scene';
import { saveRecoveryKey } from './support/e2ee';
import { browserSuite } from './support/suite';
import { eventually, expectCount, expectHidden, expectPath, expectVisible } from './support/ui-expect';

const suite = browserSuite({ DM_POLICY: 'anyone' });

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Next week's Monday (the browser runs in the same zone as the test). */
function nextMonday(): Date {
  const d = new Date();
  d.setHours(12, 0, 0, 0);
  d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7));
  return d;
}

const calendarLink = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' });
const eventCard = (page: Page, title: string) => page.getByRole('region', { name: 'Messages' }).getByRole('article', { name: `Event: ${title}` });

test('a weekly event made on the calendar page shows in the month and the agenda; its card in the room takes answers, counted live', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Design crew', memberIds: [bo!.api.user.id] });
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  const page = anaBrowser.page;
  const audit = new AccessibilityAudit('calendar');

  // Ana opens the calendar from the main navigation and schedules a weekly review, Mondays and Thursdays, six times.
  await calendarLink(page).click();
  await expectPath(page, '/calendar');
  await expectVisible(page.getByRole('table', { name: 'Month' }));
  await expectVisible(page.locator('[aria-current="date"]'));
  await page.getByRole('button', { name: 'New event' }).click();
  const dialog = page.getByRole('dialog', { name: 'New event' });
  await dialog.getByLabel('Room').selectOption({ label: 'Design crew' });
  await dialog.getByLabel('Title').fill('Design review');
  const monday = nextMonday();
  await dialog.getByLabel('Start date').fill(dayOf(monday));
  await dialog.getByLabel('Start time').fill('10:00');
  await dialog.getByLabel('End time').fill('11:00');
  await dialog.getByLabel('Repeat').selectOption('weekly');
  await expectVisible(dialog.getByRole('checkbox', { name: 'Monday' }));
  expect(await dialog.getByRole('checkbox', { name: 'Monday' }).isChecked()).toBe(true);
  await dialog.getByRole('checkbox', { name: 'Thursday' }).check();
  await dialog.getByRole('radio', { name: 'After' }).check();
  await dialog.getByLabel('Number of times').fill('6');
  await dialog.getByLabel('Location', { exact: false }).fill('https://meet.example.org/design');
  expect(await dialog.getByLabel('Time zone').inputValue()).toBe(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
  await screenshot(page, 'calendar-event-dialog-desktop');
  await audit.check(page, 'new event dialog', '.cdk-overlay-container');
  await dialog.getByRole('button', { name: 'Create event' }).click();
  await expectHidden(dialog);

  // The server has the rule the dialog built.
  const from = new Date(monday.getTime() - 86_400_000 * 2);
  const range = await ana!.api.call<CalendarRange>('GET', `/api/rooms/${room.id}/events?from=${from.toISOString()}&to=${new Date(from.getTime() + 40 * 86_400_000).toISOString()}`);
  expect(range.events.map((e) => [e.title, e.rrule, e.location])).toEqual([['Design review', 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6', 'https://meet.example.org/design']]);
  expect(range.occurrences).toHaveLength(6);

  // The month shows it (the next month when next Monday is in it), in the room's colour.
  if (monday.getMonth() !== new Date().getMonth()) await page.getByRole('button', { name: 'Next month' }).click();
  const inMonth = page.getByRole('table', { name: 'Month' }).getByRole('button', { name: /Design review.*Design crew/ });
  await eventually(async () => expect(await inMonth.count()).toBeGreaterThanOrEqual(2), 10_000);
  await screenshot(page, 'calendar-month-desktop');
  await audit.check(page, 'month view', 'main');

  // The week of that Monday: the occurrence in its hour.
  await page.goto(`/calendar?view=week&day=${dayOf(monday)}`);
  await expectVisible(page.getByRole('region', { name: 'Hours' }).getByRole('button', { name: /^Design review/ }));
  await screenshot(page, 'calendar-week-desktop');
  await audit.check(page, 'week view', 'main');

  // The agenda from that Monday lists all six.
  await page.getByRole('button', { name: 'Agenda', exact: true }).click();
  await expectCount(page.getByRole('button', { name: /Design review/ }), 6);
  await screenshot(page, 'calendar-agenda-desktop');
  await audit.check(page, 'agenda view', 'main');

  // Ana goes to the room: the card of her event, no answers yet.
  await conversationLink(page, 'Design crew').click();
  const anaCard = eventCard(page, 'Design review');
  await expectVisible(anaCard, 10_000);
  await expectVisible(anaCard.getByRole('button', { name: /^Going.*0 people/ }));

  // Bo, on his phone, sees the card in the room and answers Going from it.
  const boPhone = await suite.signedIn(bo!.account, PHONE);
  await boPhone.page.goto(`/r/${room.id}`);
  const boCard = eventCard(boPhone.page, 'Design review');
  await expectVisible(boCard, 10_000);
  await expectVisible(boCard.getByText(/Every week on Monday and Thursday, 6 times/));
  await boCard.getByRole('button', { name: /^Going/ }).click();
  await eventually(async () => expect(await boCard.getByRole('button', { name: /^Going/ }).getAttribute('aria-pressed')).toBe('true'));
  await screenshot(boPhone.page, 'calendar-card-phone');
  await audit.check(boPhone.page, 'event card on a phone', 'app-event-card');

  // Ana's card counts him at once, without a reload; the detail names him.
  await expectVisible(anaCard.getByRole('button', { name: /^Going.*1 person/ }), 10_000);
  await screenshot(page, 'calendar-card-desktop');
  await audit.check(page, 'event card', 'app-event-card');
  await anaCard.getByRole('button', { name: 'Details' }).click();
  const detail = page.getByRole('dialog', { name: 'Design review' });
  await expectVisible(detail.getByText(`Going: ${bo!.account.displayName}`));
  await expectVisible(detail.getByRole('link', { name: 'https://meet.example.org/design' }));
  await screenshot(page, 'calendar-detail-desktop');
  await audit.check(page, 'event detail', '.cdk-overlay-container');
  await page.keyboard.press('Escape');

  // On the phone: the calendar from the navigation drawer, as an agenda; the dialog full screen.
  await boPhone.page.goto('/');
  await boPhone.page.getByRole('button', { name: 'Open navigation' }).click();
  await calendarLink(boPhone.page).click();
  await expectPath(boPhone.page, '/calendar');
  await expectVisible(boPhone.page.getByRole('button', { name: /Design review/ }).first(), 10_000);
  await screenshot(boPhone.page, 'calendar-agenda-phone');
  await audit.check(boPhone.page, 'agenda on a phone', 'main');
  await boPhone.page.getByRole('button', { name: 'Month', exact: true }).click();
  await expectVisible(boPhone.page.getByRole('table', { name: 'Month' }));
  await screenshot(boPhone.page, 'calendar-month-phone');
  await audit.check(boPhone.page, 'month on a phone', 'main');
  await boPhone.page.goto(`/calendar?view=week&day=${dayOf(monday)}`);
  await expectVisible(boPhone.page.getByRole('region', { name: 'Hours' }).getByRole('button', { name: /^Design review/ }));
  await screenshot(boPhone.page, 'calendar-week-phone');
  await audit.check(boPhone.page, 'week on a phone', 'main');
  await boPhone.page.getByRole('button', { name: 'New event' }).click();
  await expectVisible(boPhone.page.getByRole('dialog', { name: 'New event' }));
  await screenshot(boPhone.page, 'calendar-event-dialog-phone');
  await audit.check(boPhone.page, 'new event dialog on a phone', '.cdk-overlay-container');

  audit.assertNone();
  await anaBrowser.assertClean();
  await boPhone.assertClean();
});

test('in an encrypted room the event is scheduled from the room header, its text encrypted in the browser; members read it, the server does not', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Board', encrypted: true, memberIds: [bo!.api.user.id] });
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  const boBrowser = await suite.signedIn(bo!.account, DESKTOP);
  await saveRecoveryKey(anaBrowser.page);
  await saveRecoveryKey(boBrowser.page);
  const page = anaBrowser.page;
  const audit = new AccessibilityAudit('calendar-e2ee');

  // From the room's header: its (empty) calendar, then a new event in this room.
  await conversationLink(page, 'Board').click();
  await page.getByRole('button', { name: 'Calendar', exact: true }).click();
  const roomCalendar = page.getByRole('dialog', { name: 'Calendar' });
  await expectVisible(roomCalendar.getByText('Nothing is scheduled in this room.'));
  await roomCalendar.getByRole('button', { name: 'Schedule event' }).click();
  const dialog = page.getByRole('dialog', { name: 'New event' });
  await expectVisible(dialog.getByText(/the title, description and location are encrypted on your device\. The server still sees the times/));
  await dialog.getByLabel('Title').fill('Secret merger talk');
  await dialog.getByLabel('Start date').fill(dayOf(nextMonday()));
  await dialog.getByLabel('Start time').fill('14:00');
  await dialog.getByLabel('End time').fill('15:00');
  await dialog.getByLabel('Location', { exact: false }).fill('Back office');
  await screenshot(page, 'calendar-e2ee-dialog-desktop');
  await audit.check(page, 'new event in an encrypted room', '.cdk-overlay-container');
  await dialog.getByRole('button', { name: 'Create event' }).click();
  await expectHidden(dialog);
  await expectVisible(roomCalendar.getByRole('button', { name: /Secret merger talk/ }), 10_000);
  await page.keyboard.press('Escape');

  // The server holds a ciphertext, no text.
  const from = new Date();
  const range = await ana!.api.call<CalendarRange>('GET', `/api/rooms/${room.id}/events?from=${from.toISOString()}&to=${new Date(from.getTime() + 30 * 86_400_000).toISOString()}`);
  expect(range.events.map((e) => [e.title, e.location, e.encrypted === null])).toEqual([['', '', false]]);

  // Bo's browser decrypts it: the card in the room and his calendar show the title; no .ics offered.
  await conversationLink(boBrowser.page, 'Board').click();
  const card = eventCard(boBrowser.page, 'Secret merger talk');
  await expectVisible(card, 20_000);
  await card.getByRole('button', { name: /^Maybe/ }).click();
  await calendarLink(boBrowser.page).click();
  await boBrowser.page.getByRole('button', { name: 'Agenda', exact: true }).click();
  await boBrowser.page.getByRole('button', { name: /Secret merger talk/ }).click();
  const detail = boBrowser.page.getByRole('dialog', { name: 'Secret merger talk' });
  await expectVisible(detail.getByText('Back office'));
  await expectVisible(detail.getByText(`Maybe: ${bo!.account.displayName}`));
  await expectVisible(detail.getByText(/The text is end-to-end encrypted/));
  expect(await detail.getByRole('button', { name: 'Download .ics' }).count()).toBe(0);
  await screenshot(boBrowser.page, 'calendar-e2ee-detail-desktop');

  audit.assertNone();
  await anaBrowser.assertClean();
  await boBrowser.assertClean();
});
