import { CalendarEvent, CalendarRange, RoomSummary } from '@parley/contracts';
import { readFile } from 'node:fs/promises';
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
const timeOf = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
/** The test's (and the browser's) time zone. */
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

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

  // Bo's browser decrypts it: the card in the room and his calendar show the title.
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
  await screenshot(boBrowser.page, 'calendar-e2ee-detail-desktop');
  // Its .ics: the server's file has the times only; Bo's browser writes the text in.
  const [download] = await Promise.all([boBrowser.page.waitForEvent('download'), detail.getByRole('button', { name: 'Download .ics' }).click()]);
  expect(download.suggestedFilename()).toBe('Secret-merger-talk.ics');
  const ics = await readFile((await download.path())!, 'utf8');
  expect(ics).toContain('\r\nSUMMARY:Secret merger talk\r\n');
  expect(ics).toContain('\r\nLOCATION:Back office\r\n');
  expect(ics).not.toContain('Encrypted event');
  await boBrowser.page.keyboard.press('Escape');

  // A meeting in ten minutes: Bo's reminder (15 minutes before, by default) comes at the server's next pass
  // without a title (the server has none); his browser decrypts it for the notice.
  const soon = new Date(Math.ceil((Date.now() + 10 * 60_000) / 60_000) * 60_000);
  const soonEnd = new Date(soon.getTime() + 30 * 60_000);
  await page.getByRole('button', { name: 'Calendar', exact: true }).click();
  await roomCalendar.getByRole('button', { name: 'Schedule event' }).click();
  await dialog.getByLabel('Title').fill('Coffee with the auditors');
  await dialog.getByLabel('Start date').fill(dayOf(soon));
  await dialog.getByLabel('Start time').fill(timeOf(soon));
  await dialog.getByLabel('End date').fill(dayOf(soonEnd));
  await dialog.getByLabel('End time').fill(timeOf(soonEnd));
  await dialog.getByRole('button', { name: 'Create event' }).click();
  await expectHidden(dialog);
  const reminder = boBrowser.page.getByRole('region', { name: 'Calendar reminders' }).getByRole('article', { name: 'Coffee with the auditors' });
  await expectVisible(reminder, 30_000);
  await expectVisible(reminder.getByText(/^Starts in (9|10|11) minutes/));
  await screenshot(boBrowser.page, 'calendar-e2ee-reminder-desktop');

  audit.assertNone();
  await anaBrowser.assertClean();
  await boBrowser.assertClean();
});

test('the creator manages a repeating event from its detail: reminder, .ics, move and cancel one occurrence, edit, cancel it all', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Ops', memberIds: [bo!.api.user.id] });
  const monday = nextMonday();
  const event = await ana!.api.call<CalendarEvent>('POST', `/api/rooms/${room.id}/events`, {
    title: 'Ops sync',
    start: `${dayOf(monday)}T10:00`,
    end: `${dayOf(monday)}T10:30`,
    timeZone: zone,
    rrule: 'FREQ=WEEKLY;COUNT=4',
  });
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  const page = anaBrowser.page;
  const audit = new AccessibilityAudit('calendar-manage');
  const rangeOf = () =>
    ana!.api.call<CalendarRange>('GET', `/api/rooms/${room.id}/events?from=${new Date(monday.getTime() - 86_400_000).toISOString()}&to=${new Date(monday.getTime() + 30 * 86_400_000).toISOString()}`);
  const agendaRows = () => page.getByRole('button', { name: /Ops sync/ });

  await page.goto(`/calendar?view=agenda&day=${dayOf(monday)}`);
  await expectCount(agendaRows(), 4);
  await agendaRows().first().click();
  const detail = page.getByRole('dialog', { name: 'Ops sync' });
  await expectVisible(detail.getByText('Every week on Monday, 4 times'));

  // Her own reminder for this event: an hour before, saved (the range tells her choice back).
  await detail.getByLabel('Remind me').selectOption({ label: '1 hour before' });
  await expectVisible(detail.getByText('Saved'));
  expect((await rangeOf()).reminders).toEqual({ [event.id]: 60 });

  // The .ics file of the series.
  const [download] = await Promise.all([page.waitForEvent('download'), detail.getByRole('button', { name: 'Download .ics' }).click()]);
  expect(download.suggestedFilename()).toBe('Ops-sync.ics');
  const ics = await readFile((await download.path())!, 'utf8');
  expect(ics).toContain('SUMMARY:Ops sync\r\n');
  expect(ics).toContain('RRULE:FREQ=WEEKLY;COUNT=4\r\n');

  // The first occurrence moves to 11:00; the detail says where it was.
  await detail.getByRole('button', { name: 'Move this occurrence' }).click();
  await detail.getByLabel(/^New start/).fill(`${dayOf(monday)}T11:00`);
  await detail.getByLabel('New end').fill(`${dayOf(monday)}T11:30`);
  await screenshot(page, 'calendar-move-occurrence-desktop');
  await audit.check(page, 'moving an occurrence', '.cdk-overlay-container');
  await detail.getByRole('button', { name: 'Move this occurrence' }).click();
  await expectVisible(detail.getByText(/^Moved from /));
  let occurrences = (await rangeOf()).occurrences;
  expect(occurrences[0]).toMatchObject({ moved: true, cancelled: false });
  expect(new Date(occurrences[0]!.start).getTime() - new Date(occurrences[1]!.start).getTime()).toBe(-7 * 86_400_000 + 3_600_000);
  await detail.getByRole('button', { name: 'Done' }).click();

  // The second one is called off: struck through and labelled in the agenda, still listed.
  await agendaRows().nth(1).click();
  await detail.getByRole('button', { name: 'Cancel this occurrence' }).click();
  await expectVisible(detail.getByText('This occurrence is cancelled.'));
  await expectVisible(detail.getByRole('button', { name: 'Restore this occurrence' }));
  await detail.getByRole('button', { name: 'Done' }).click();
  await expectVisible(agendaRows().nth(1).getByText('Cancelled'));
  await expectCount(agendaRows(), 4);
  occurrences = (await rangeOf()).occurrences;
  expect(occurrences.map((o) => o.cancelled)).toEqual([false, true, false, false]);
  await screenshot(page, 'calendar-agenda-cancelled-occurrence-desktop');
  await audit.check(page, 'agenda with a cancelled occurrence', 'main');

  // Editing every occurrence: a new title, every row follows.
  await agendaRows().nth(2).click();
  await detail.getByRole('button', { name: 'Edit every occurrence' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit event' });
  await edit.getByLabel('Title').fill('Ops weekly');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expectHidden(edit);
  await expectCount(page.getByRole('button', { name: /Ops weekly/ }), 4);

  // Cancelling the event asks first; then it is marked cancelled, and Bo's room card says so.
  await page.getByRole('button', { name: /Ops weekly/ }).nth(3).click();
  const weekly = page.getByRole('dialog', { name: 'Ops weekly' });
  await weekly.getByRole('button', { name: 'Cancel event' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Cancel “Ops weekly”?' });
  await confirm.getByRole('button', { name: 'Cancel event' }).click();
  await expectVisible(weekly.getByText('This event is cancelled.'));
  expect((await ana!.api.call<CalendarEvent>('GET', `/api/rooms/${room.id}/events/${event.id}`)).cancelled).toBe(true);
  await weekly.getByRole('button', { name: 'Done' }).click();

  audit.assertNone();
  await anaBrowser.assertClean();
});
