import { Locator, Page } from 'playwright-core';
import { AddMemberResult, RoomInvitation, RoomSummary } from '@parley/contracts';
import { browserSuite } from './support/suite';
import { PHONE } from './support/browser';
import { eventually, expectCount, expectHidden, expectPath, expectText, expectVisible } from './support/ui-expect';

/**
 * Groups on a server with DM_POLICY=friends (the default): someone who is not your friend is invited, not
 * added. The inviter is told so and sees the invitation in the room's settings; the invitee finds it at the
 * top of the conversations, live, and accepts (landing in the room) or declines; a withdrawn invitation
 * leaves the invitee's list at once.
 */

const suite = browserSuite();
const { signedIn, people, befriend } = suite;

/** The invitations above the conversations (in the sidebar; on a phone, on the home screen). */
const invitations = (page: Page) => page.getByRole('list', { name: /^Invitations/ });
const invitationTo = (page: Page, roomName: string): Locator => invitations(page).getByRole('listitem').filter({ hasText: roomName });
const conversations = (page: Page) => page.getByRole('list', { name: 'Conversations' });

test('a stranger added to a new group is invited: the creator is told, he sees it live in his sidebar, accepts and lands in the room', async () => {
  const [ada, bob, cy] = await people('ada', 'bob', 'cy');
  await befriend(ada.api, cy.api);
  const adaSession = await signedIn(ada.account);
  const bobSession = await signedIn(bob.account);
  const { page } = adaSession;
  const roomName = `Launch ${ada.account.username.slice(-5)}`;

  // Ada makes a group with her friend Cy and with Bob, whom she does not know: the dialog says Bob will be invited.
  await page.getByRole('button', { name: 'New room' }).first().click();
  const create = page.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name', { exact: true }).fill(roomName);
  await create.getByLabel('Topic').fill('Dates and checklists');
  await create.getByRole('searchbox', { name: 'Add people' }).fill(cy.account.username);
  await create.getByRole('button', { name: new RegExp(`^Add ${cy.account.displayName}`) }).click();
  await create.getByRole('searchbox', { name: 'Add people' }).fill(bob.account.username);
  await create.getByRole('button', { name: new RegExp(`^Invite ${bob.account.displayName}`) }).click();
  const chips = create.getByRole('list', { name: 'People to add or invite' });
  await expectText(chips.getByRole('listitem').filter({ hasText: bob.account.displayName }), 'will be invited');
  await expectCount(chips.getByRole('listitem').filter({ hasText: cy.account.displayName }).getByText('will be invited'), 0);
  await adaSession.screenshot('invitations-create-dialog');
  await create.getByRole('button', { name: 'Create room' }).click();

  // She is told what really happened before the room opens.
  const ready = page.getByRole('dialog', { name: `${roomName} is ready` });
  await expectText(ready.getByRole('status'), `${cy.account.displayName} was added.`);
  await expectText(ready.getByRole('status'), `${bob.account.displayName} was invited; they join when they accept.`);
  await adaSession.screenshot('invitations-created');
  await ready.getByRole('button', { name: 'Open room' }).click();
  await page.waitForURL('**/r/**');
  const roomId = new URL(page.url()).pathname.split('/').pop()!;

  // Bob, who had the app open all along, finds the invitation above his conversations, with a count.
  const invitation = invitationTo(bobSession.page, roomName);
  await expectVisible(invitation);
  await expectText(invitation, 'Dates and checklists');
  await expectText(invitation, `${ada.account.displayName} invited you`);
  await expectText(invitation, '2 members');
  await expectText(bobSession.page.getByRole('heading', { name: /^Invitations/ }), '1');
  await expectCount(conversations(bobSession.page).getByRole('link', { name: new RegExp(roomName) }), 0);
  await bobSession.screenshot('invitations-sidebar');

  // The room's settings list him as invited, by Ada.
  await page.getByRole('button', { name: 'Room settings' }).click();
  const settings = page.getByRole('dialog', { name: roomName });
  const pending = settings.getByRole('list', { name: 'Pending invitations' });
  await expectText(pending, bob.account.displayName);
  await expectText(pending, 'Invited by you');
  await expectCount(settings.getByRole('list', { name: 'Members' }).getByText(bob.account.displayName), 0);
  await adaSession.screenshot('invitations-room-settings');
  await page.keyboard.press('Escape');

  // He accepts and lands in the room; the invitation is gone.
  await invitation.getByRole('button', { name: `Accept the invitation to ${roomName}` }).click();
  await expectPath(bobSession.page, `/r/${roomId}`);
  await expectVisible(bobSession.page.getByRole('heading', { name: roomName, level: 1 }));
  await expectVisible(conversations(bobSession.page).getByRole('link', { name: new RegExp(roomName) }));
  await expectCount(invitations(bobSession.page), 0);
  const rooms = await bob.api.call<RoomSummary[]>('GET', '/api/rooms');
  expect(rooms.find((r) => r.id === roomId)).toMatchObject({ memberCount: 3, myRole: 'member' });

  await adaSession.assertClean();
  await bobSession.assertClean();
});

test('declining removes an invitation; a withdrawn one leaves the invitee\'s list live (on a phone)', async () => {
  const [ada, bob] = await people('ada', 'bob');
  const declined = await ada.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Declined ${ada.account.username.slice(-5)}` });
  const withdrawn = await ada.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Withdrawn ${ada.account.username.slice(-5)}` });
  const first = await ada.api.call<AddMemberResult>('POST', `/api/rooms/${declined.id}/members`, { userId: bob.api.user.id });
  expect(first.outcome).toBe('invited');

  const bobSession = await signedIn(bob.account, PHONE);
  const adaSession = await signedIn(ada.account);
  const bobPage = bobSession.page;
  await expectVisible(invitationTo(bobPage, declined.name));
  await bobSession.screenshot('invitations-phone-list');

  // Bob declines: it leaves his list, and the room has no invitation left.
  await invitationTo(bobPage, declined.name).getByRole('button', { name: `Decline the invitation to ${declined.name}` }).click();
  await expectCount(invitations(bobPage), 0);
  expect(await ada.api.call<RoomInvitation[]>('GET', `/api/rooms/${declined.id}/invitations`)).toEqual([]);

  // Ada invites him to the other room from its settings, is told so, and then thinks better of it.
  const { page } = adaSession;
  await page.goto(`/r/${withdrawn.id}`);
  await page.getByRole('button', { name: 'Room settings' }).click();
  const settings = page.getByRole('dialog', { name: withdrawn.name });
  await settings.getByRole('searchbox', { name: 'Add a member' }).fill(bob.account.username);
  await settings.getByRole('button', { name: new RegExp(`^Invite ${bob.account.displayName}`) }).click();
  await expectText(settings.getByRole('status').filter({ hasText: 'invited' }), `${bob.account.displayName} was invited; they join when they accept.`);
  const pending = settings.getByRole('list', { name: 'Pending invitations' });
  await expectText(pending, bob.account.displayName);
  await expectVisible(invitationTo(bobPage, withdrawn.name));

  await pending.getByRole('button', { name: `Withdraw the invitation to ${bob.account.displayName}` }).click();
  await expectText(settings.getByRole('status').filter({ hasText: 'withdrawn' }), `The invitation to ${bob.account.displayName} was withdrawn.`);
  await expectHidden(pending);
  // Gone from Bob's screen without a reload.
  await expectCount(invitations(bobPage), 0);
  await eventually(async () => expect(await bob.api.call<RoomInvitation[]>('GET', '/api/invitations')).toEqual([]));

  await adaSession.assertClean();
  await bobSession.assertClean();
});
