import { EventEmitter } from 'node:events';
import { UPGRADE_WAIT_MS, disconnectSettled, nextSyncCursors, watchUpgrade } from './realtime';

/** A socket whose connection opened by long-polling (or already on a WebSocket), with the engine's upgrade events. */
function fakeSocket(transport: 'polling' | 'websocket' = 'polling') {
  const engine = Object.assign(new EventEmitter(), { transport: { name: transport } });
  const socket = { io: { engine }, disconnect: jest.fn() };
  return { engine, socket, watched: socket as unknown as Parameters<typeof watchUpgrade>[0] };
}

const message = (roomId: string, seq: number, rev = seq) => ({
  id: `${roomId}-${seq}`,
  roomId,
  seq,
  rev,
  senderId: 'u',
  body: '',
  clientMsgId: `c${seq}`,
  createdAt: '2025-01-01T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  replyToId: null,
  kind: 'user' as const,
  event: null,
  attachments: [],
  encrypted: null,
});

describe('nextSyncCursors', () => {
  it('is done when no room has more', () => {
    expect(nextSyncCursors({ since: { a: 1 }, revs: { a: 1 } }, { rooms: [{ roomId: 'a', messages: [message('a', 2)], lastSeq: 2, lastRev: 2, hasMore: false }], removed: [], pending: [] })).toBeNull();
  });

  it('continues rooms with more from the cursors they answered with, and only them', () => {
    const next = nextSyncCursors(
      { since: { a: 1, b: 7, gone: 3 }, revs: { a: 1, b: 9, gone: 3 } },
      {
        rooms: [
          { roomId: 'a', messages: [message('a', 2), message('a', 3, 12)], lastSeq: 3, lastRev: 950, hasMore: true },
          { roomId: 'b', messages: [], lastSeq: 7, lastRev: 9, hasMore: false },
        ],
        removed: ['gone'],
        pending: [],
      },
    );
    expect(next).toEqual({ since: { a: 3 }, revs: { a: 950 } });
  });

  it('asks again, from where they were, for the rooms an answer did not reach', () => {
    const next = nextSyncCursors(
      { since: { a: 1, b: 7, c: 4 }, revs: { a: 1, b: 9 } },
      { rooms: [{ roomId: 'a', messages: [message('a', 2)], lastSeq: 2, lastRev: 2, hasMore: false }], removed: [], pending: ['b', 'c'] },
    );
    expect(next).toEqual({ since: { b: 7, c: 4 }, revs: { b: 9 } });
  });

  it('stops rather than loop when a round brings nothing new', () => {
    expect(nextSyncCursors({ since: { a: 3 }, revs: { a: 9 } }, { rooms: [{ roomId: 'a', messages: [], lastSeq: 3, lastRev: 9, hasMore: true }], removed: [], pending: [] })).toBeNull();
    expect(nextSyncCursors({ since: { a: 3 } }, { rooms: [], removed: [], pending: ['a'] })).toBeNull();
  });
});

describe('disconnectSettled', () => {
  afterEach(() => jest.useRealTimers());

  it('disconnects at once when no upgrade is under way', () => {
    const onWebSocket = fakeSocket('websocket');
    watchUpgrade(onWebSocket.watched);
    disconnectSettled(onWebSocket.watched);
    expect(onWebSocket.socket.disconnect).toHaveBeenCalledTimes(1);

    const upgraded = fakeSocket();
    watchUpgrade(upgraded.watched);
    upgraded.engine.emit('upgrade');
    disconnectSettled(upgraded.watched);
    expect(upgraded.socket.disconnect).toHaveBeenCalledTimes(1);

    const neverOpened = fakeSocket();
    disconnectSettled(neverOpened.watched);
    expect(neverOpened.socket.disconnect).toHaveBeenCalledTimes(1);
  });

  it('waits for an upgrade under way to succeed or fail, then disconnects once', () => {
    for (const outcome of ['upgrade', 'upgradeError'] as const) {
      const { engine, socket, watched } = fakeSocket();
      watchUpgrade(watched);
      disconnectSettled(watched);
      expect(socket.disconnect).not.toHaveBeenCalled();
      engine.emit(outcome);
      expect(socket.disconnect).toHaveBeenCalledTimes(1);
      engine.emit('upgrade');
      expect(socket.disconnect).toHaveBeenCalledTimes(1);
    }
  });

  it('does not wait for an upgrade that ended with the connection', () => {
    const { engine, socket, watched } = fakeSocket();
    watchUpgrade(watched);
    engine.emit('close');
    disconnectSettled(watched);
    expect(socket.disconnect).toHaveBeenCalledTimes(1);
  });

  it('disconnects after UPGRADE_WAIT_MS when the upgrade never ends', () => {
    jest.useFakeTimers();
    const { engine, socket, watched } = fakeSocket();
    watchUpgrade(watched);
    disconnectSettled(watched);
    jest.advanceTimersByTime(UPGRADE_WAIT_MS - 1);
    expect(socket.disconnect).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(socket.disconnect).toHaveBeenCalledTimes(1);
    engine.emit('upgradeError');
    expect(socket.disconnect).toHaveBeenCalledTimes(1);
  });
});
