import { OnApplicationShutdown } from '@nestjs/common';
import { PresenceStatus } from '@parley/contracts';

/** What one connection of a user reports: the tab is in use, or idle. */
export type ConnectionState = 'active' | 'idle';
/** The status of a user with at least one connection (or within the grace period after the last). */
export type LiveStatus = typeof PresenceStatus.Online | typeof PresenceStatus.Away;

/** How often this process renews its connections' entries, and how long an entry lives unrenewed. */
export const PRESENCE_HEARTBEAT_MS = 10_000;
export const PRESENCE_ENTRY_TTL_MS = 35_000;

/**
 * Who is connected, by connection. A user is online while any connection is active, away when every one is
 * idle, and offline once the last has been gone for the grace period (a page reload is not "offline"). Each
 * call answers the user's new status when it changed, or null; going offline is reported to the listener,
 * exactly once, whichever process notices it.
 */
export abstract class PresenceStore implements OnApplicationShutdown {
  private offlineListener: (userIds: string[]) => void = () => undefined;
  protected changed: (userId: string, status: LiveStatus) => void = () => undefined;

  constructor(protected readonly graceMs: number) {}

  /** Called with the users who just went offline. */
  onOffline(listener: (userIds: string[]) => void): void {
    this.offlineListener = listener;
  }

  /** Called with changes found in the background (a process that died, a rebuild after a Redis restart). */
  onChange(listener: (userId: string, status: LiveStatus) => void): void {
    this.changed = listener;
  }

  protected wentOffline(userIds: string[]): void {
    if (userIds.length) this.offlineListener(userIds);
  }

  abstract connected(userId: string, connectionId: string): Promise<LiveStatus | null>;
  /** A connection's tab became active or idle (ignored for a connection not known here). */
  abstract activity(userId: string, connectionId: string, state: ConnectionState): Promise<LiveStatus | null>;
  /** A connection closed: the status of the user's other connections when it changed; offline comes later. */
  abstract disconnected(userId: string, connectionId: string): Promise<LiveStatus | null>;
  /** The users among these who are online or away (including those within the grace period). */
  abstract statuses(userIds: string[]): Promise<Map<string, LiveStatus>>;

  abstract onApplicationShutdown(): void;
}

interface Tracked {
  connections: Map<string, ConnectionState>;
  status: LiveStatus | null;
  offlineTimer?: NodeJS.Timeout;
}

const statusOf = (states: Iterable<ConnectionState>): LiveStatus => ([...states].includes('active') ? PresenceStatus.Online : PresenceStatus.Away);

/** One process: presence in its memory. */
export class MemoryPresenceStore extends PresenceStore {
  private readonly tracked = new Map<string, Tracked>();

  async connected(userId: string, connectionId: string): Promise<LiveStatus | null> {
    let t = this.tracked.get(userId);
    if (!t) this.tracked.set(userId, (t = { connections: new Map(), status: null }));
    if (t.offlineTimer) {
      clearTimeout(t.offlineTimer);
      t.offlineTimer = undefined;
    }
    t.connections.set(connectionId, 'active');
    return this.recompute(t);
  }

  async activity(userId: string, connectionId: string, state: ConnectionState): Promise<LiveStatus | null> {
    const t = this.tracked.get(userId);
    if (!t || !t.connections.has(connectionId)) return null;
    t.connections.set(connectionId, state);
    return this.recompute(t);
  }

  async disconnected(userId: string, connectionId: string): Promise<LiveStatus | null> {
    const t = this.tracked.get(userId);
    if (!t || !t.connections.delete(connectionId)) return null;
    if (t.connections.size > 0) return this.recompute(t);
    const goOffline = () => {
      if (t.connections.size > 0 || this.tracked.get(userId) !== t) return;
      this.tracked.delete(userId);
      this.wentOffline([userId]);
    };
    if (this.graceMs === 0) goOffline();
    else t.offlineTimer = setTimeout(goOffline, this.graceMs);
    return null;
  }

  async statuses(userIds: string[]): Promise<Map<string, LiveStatus>> {
    const result = new Map<string, LiveStatus>();
    for (const id of userIds) {
      const status = this.tracked.get(id)?.status;
      if (status) result.set(id, status);
    }
    return result;
  }

  private recompute(t: Tracked): LiveStatus | null {
    const status = statusOf(t.connections.values());
    if (status === t.status) return null;
    t.status = status;
    return status;
  }

  onApplicationShutdown(): void {
    for (const t of this.tracked.values()) if (t.offlineTimer) clearTimeout(t.offlineTimer);
  }
}
