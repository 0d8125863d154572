import { Message } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { AppEvents } from '../../events/app-events';
import { SendOrigins } from '../send-origins';
import { testMessage } from '../../testing/messages';
import { Client, LiveSockets, next, record } from '../testing/live-sockets';
import { MessageDeliveries } from './message-deliveries';
import { ReceiptDeliveries } from './receipt-deliveries';

let seq = 0;
const makeMessage = (fields: Partial<Message> & Pick<Message, 'roomId' | 'senderId'>): Message => testMessage({ seq: (seq += 1), ...fields });

describe('message deliveries (a real Socket.IO server)', () => {
  let live: LiveSockets;
  let events: AppEvents;
  let origins: SendOrigins;
  let receipts: ReceiptDeliveries;
  const roomId = randomUUID();
  const [ana, ben, cai] = [randomUUID(), randomUUID(), randomUUID()];
  let anaTab1: Client, anaTab2: Client, benTab: Client, caiTab: Client;

  beforeEach(async () => {
    live = await LiveSockets.start();
    events = new AppEvents();
    origins = new SendOrigins();
    new MessageDeliveries(live.realtime, origins, events);
    receipts = new ReceiptDeliveries(live.realtime, events);
    [anaTab1, anaTab2, benTab, caiTab] = await Promise.all([
      live.connect(ana, [roomId]),
      live.connect(ana, [roomId]),
      live.connect(ben, [roomId]),
      live.connect(cai), // not a member
    ]);
  });
  afterEach(async () => {
    receipts.onApplicationShutdown();
    await live.close();
  });

  it('sends a new message to every socket of the room except the one that sent it, which has the ack', async () => {
    const got = { anaTab1: record(anaTab1, 'message:new'), anaTab2: record(anaTab2, 'message:new'), ben: record(benTab, 'message:new'), cai: record(caiTab, 'message:new') };
    const fromSocket = makeMessage({ roomId, senderId: ana });
    await origins.run(anaTab1.id!, ana, fromSocket.clientMsgId, () => events.emit('message.created', { message: fromSocket }));
    // Sent over REST (no socket of origin): every socket of the room gets it, the sender's too.
    const fromRest = makeMessage({ roomId, senderId: ana });
    const arrived = Promise.all([anaTab1, anaTab2, benTab].map((c) => next(c, 'message:new', (m) => m.id === fromRest.id)));
    await events.emit('message.created', { message: fromRest });
    await arrived;

    expect(got.anaTab1.map((m) => m.id)).toEqual([fromRest.id]);
    expect(got.anaTab2.map((m) => m.id)).toEqual([fromSocket.id, fromRest.id]);
    expect(got.ben).toEqual([fromSocket, fromRest]);
    expect(got.cai).toEqual([]);
  });

  it('sends edits to everyone in the room (the editor too) and deletions as tombstone events', async () => {
    const message = makeMessage({ roomId, senderId: ben });
    const edited = { ...message, body: 'better', editedAt: new Date().toISOString(), rev: message.rev + 1 };
    const updates = Promise.all([anaTab1, benTab].map((c) => next(c, 'message:updated')));
    await events.emit('message.edited', { message: edited });
    expect(await updates).toEqual([edited, edited]);

    const tombstone = { ...edited, body: '', deletedAt: new Date().toISOString(), rev: edited.rev + 1 };
    const deletion = next(anaTab2, 'message:deleted');
    await events.emit('message.deleted', { message: tombstone });
    expect(await deletion).toEqual({ roomId, messageId: message.id, seq: message.seq, rev: tombstone.rev, deletedAt: tombstone.deletedAt });
  });

  it('announces the first receipt at once and folds later moves into one of the latest seq; never one that is not a receipt', async () => {
    const got = record(anaTab1, 'receipt');
    const first = next(anaTab1, 'receipt');
    await events.emit('message.read', { roomId, userId: ben, seq: 3, receipt: true });
    expect(await first).toEqual({ roomId, userId: ben, seq: 3 });

    const latest = next(anaTab1, 'receipt', (r) => r.userId === ben && r.seq === 7);
    await events.emit('message.read', { roomId, userId: ben, seq: 5, receipt: true });
    await events.emit('message.read', { roomId, userId: ben, seq: 7, receipt: true });
    // Across a block in a direct room the marker moves, but nobody is told.
    await events.emit('message.read', { roomId, userId: cai, seq: 4, receipt: false });
    await latest;
    const other = next(anaTab1, 'receipt', (r) => r.userId === ana);
    await events.emit('message.read', { roomId, userId: ana, seq: 7, receipt: true });
    await other;

    expect(got).toEqual([
      { roomId, userId: ben, seq: 3 },
      { roomId, userId: ben, seq: 7 },
      { roomId, userId: ana, seq: 7 },
    ]);
  });
});
