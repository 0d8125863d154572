import { MessagePreview, RoomKind } from '@parley/contracts';
import { makeRoom } from '../testing/chat-fakes';
import { roomPreview } from './room-preview';

jest.mock('../message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const last = (overrides: Partial<MessagePreview>): MessagePreview => ({
  id: 'm1',
  seq: 1,
  senderId: 'ana',
  senderName: 'Ana',
  text: 'Lunch?',
  deleted: false,
  hidden: false,
  attachmentCount: 0,
  encrypted: false,
  kind: 'user',
  createdAt: '2025-01-02T10:00:00.000Z',
  ...overrides,
});
const viewer = { me: 'me', blocked: new Set<string>(), knownName: (): string | undefined => undefined };

describe('roomPreview: the second line of a room in the list', () => {
  it('names the sender in rooms, not in direct rooms, and says "You" for mine', () => {
    expect(roomPreview(makeRoom({ lastMessage: last({}) }), viewer)).toEqual({ text: 'Ana: Lunch?', quiet: false });
    expect(roomPreview(makeRoom({ kind: RoomKind.Direct, lastMessage: last({}) }), viewer)).toEqual({ text: 'Lunch?', quiet: false });
    expect(roomPreview(makeRoom({ lastMessage: last({ senderId: 'me' }) }), viewer).text).toBe('You: Lunch?');
    expect(roomPreview(makeRoom({ lastMessage: last({}) }), { ...viewer, knownName: () => 'Ana Lima' }).text).toBe('Ana Lima: Lunch?');
    expect(roomPreview(makeRoom({ lastMessage: last({ deleted: true, text: '' }) }), viewer)).toEqual({ text: 'Ana: Message deleted', quiet: true });
    expect(roomPreview(makeRoom({ topic: 'Plans' }), viewer)).toEqual({ text: 'Plans', quiet: false });
  });

  it('shows a system line as it is, with nobody\'s name in front', () => {
    const line = last({ kind: 'system', text: 'Ana added you' });
    expect(roomPreview(makeRoom({ lastMessage: line }), viewer)).toEqual({ text: 'Ana added you', quiet: false });
  });

  it('never shows a word from someone I blocked: withheld by the server, or blocked since', () => {
    const withheld = { text: 'Message from someone you blocked', quiet: true };
    expect(roomPreview(makeRoom({ lastMessage: last({ hidden: true, text: '' }) }), viewer)).toEqual(withheld);
    expect(roomPreview(makeRoom({ lastMessage: last({ text: 'SECRET' }) }), { ...viewer, blocked: new Set(['ana']) })).toEqual(withheld);
    expect(roomPreview(makeRoom({ lastMessage: last({ kind: 'system', text: 'Ana added Bo' }) }), { ...viewer, blocked: new Set(['ana']) })).toEqual(withheld);
  });
});
