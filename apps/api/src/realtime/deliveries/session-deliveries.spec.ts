import { randomUUID } from 'node:crypto';
import { AppEvents } from '../../events/app-events';
import { Client, LiveSockets } from '../testing/live-sockets';
import { SessionDeliveries } from './session-deliveries';

/** Resolves with the reason the server gave once it has closed the socket. */
const ended = (client: Client) =>
  new Promise<string>((resolve) => {
    let reason = '';
    client.once('session:ended', (e) => (reason = e.reason));
    client.once('disconnect', () => resolve(reason));
  });

describe('session deliveries (a real Socket.IO server)', () => {
  let live: LiveSockets;
  let events: AppEvents;
  const ana = randomUUID();
  const [laptop, phone, tokenId] = [randomUUID(), randomUUID(), randomUUID()];

  beforeEach(async () => {
    live = await LiveSockets.start();
    events = new AppEvents();
    new SessionDeliveries(live.realtime, events);
  });
  afterEach(() => live.close());

  it('on sign-out everywhere else, closes the other sessions\u2019 sockets with the reason and keeps this one and token sockets', async () => {
    const [here, there, bot] = await Promise.all([
      live.connect(ana, [], { sessionId: laptop }),
      live.connect(ana, [], { sessionId: phone }),
      live.connect(ana, [], { tokenId }),
    ]);
    const closed = ended(there);
    await events.emit('auth.sessions-ended', { userId: ana, exceptSessionId: laptop, reason: 'password_changed' });
    expect(await closed).toBe('password_changed');
    expect([here.connected, bot.connected]).toEqual([true, true]);
  });

  it('closes one session\u2019s sockets, a revoked token\u2019s, and everything of a deactivated user', async () => {
    const [here, there, bot] = await Promise.all([
      live.connect(ana, [], { sessionId: laptop }),
      live.connect(ana, [], { sessionId: phone }),
      live.connect(ana, [], { tokenId }),
    ]);
    const loggedOut = ended(there);
    await events.emit('auth.sessions-ended', { userId: ana, sessionIds: [phone], reason: 'logout' });
    expect(await loggedOut).toBe('logout');
    const revoked = ended(bot);
    await events.emit('auth.token-revoked', { userId: ana, tokenId });
    expect(await revoked).toBe('revoked');
    expect(here.connected).toBe(true);
    const deactivated = ended(here);
    await events.emit('user.deactivated', { userId: ana });
    expect(await deactivated).toBe('deactivated');
  });
});
