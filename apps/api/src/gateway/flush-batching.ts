import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';

interface EngineSocket {
  transport?: { name?: string; socket?: { _socket?: NetSocket } };
}

/**
 * When a group commit releases a batch of messages, each member's socket gets several packets in the same
 * turn of the event loop. engine.io writes the first at once and queues the rest until that write is done,
 * then flushes them together; ws, however, writes each one as its own frame with its own `writev` system
 * call, and on a busy server those calls were the largest cost of the send path's tail. Corking the TCP
 * socket for the duration of such a flush sends the whole batch in one call. (ws keeps its TCP socket in
 * `_socket`; engine.io itself relies on ws internals the same way.)
 */
export function batchFlushedPackets(io: Server): void {
  const corked = new WeakSet<NetSocket>();
  io.engine.on('flush', (socket: EngineSocket, packets: unknown[]) => {
    if (packets.length < 2 || socket.transport?.name !== 'websocket') return;
    const tcp = socket.transport.socket?._socket;
    if (!tcp || typeof tcp.cork !== 'function') return;
    tcp.cork();
    corked.add(tcp);
  });
  io.engine.on('drain', (socket: EngineSocket) => {
    const tcp = socket.transport?.socket?._socket;
    if (!tcp || !corked.has(tcp)) return;
    corked.delete(tcp);
    tcp.uncork();
  });
}
