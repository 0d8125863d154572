import { Injectable } from '@nestjs/common';
import { Message, MESSAGE_SEARCH_MIN_LENGTH, MESSAGE_SEARCH_MIN_LENGTH_CJK, MESSAGE_SEARCH_PAGE_DEFAULT, SearchHas, SearchPage, SearchResult, SearchResultRoom } from '@parley/contracts';
import { errors } from '../common/errors';
import { RelationsService } from '../friends/relations.service';
import { MessageSearchReads } from '../messages/message-search-reads';
import { roomNotFound } from '../rooms/room-errors';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';
import { SearchQueryDto } from './dto/search.dto';
import { isSearchable, SearchIndexer } from './search-indexer';
import { bucketOf, SearchPeriod, SearchStore } from './search-store';
import { findMatches, normaliseQuery, queryGrams, searchablePlainText, snippetOf } from '@parley/contracts';
import { messageOrd, SearchTokens, SEQ_SPAN, seqOfOrd } from './search-tokens';

/** Postings read by a room's first step (newest first); each further step reads twice as many, up to CHUNK_MAX. */
const CHUNK_FIRST = 32;
const CHUNK_MAX = 1024;
/** Counting a token's postings stops here: past it, a token is common, and which common token leads matters little. */
const RARITY_CAP = 2048;
/** A token's rarity is estimated in the newest two buckets of this many of the caller's rooms. */
const RARITY_ROOMS = 16;

/** A result before names are attached. */
type Found = Omit<SearchResult, 'room' | 'senderName'> & { roomOrd: number };

interface Filters {
  query: string;
  from?: string;
  hasFile: boolean;
  after?: number;
  before?: number;
  blocked: Set<string>;
}

/** `next[roomOrd]` = the highest seq still to look at in that room; -1: nothing left there. Rooms not named start at the top. */
interface Cursor {
  next: Record<string, number>;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ n: c.next })).toString('base64url');
}

function decodeCursor(raw: string | undefined): Cursor {
  if (raw === undefined) return { next: {} };
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { n?: unknown };
    const next = parsed.n;
    if (next && typeof next === 'object' && !Array.isArray(next) && Object.entries(next).every(([k, v]) => /^\d{1,8}$/.test(k) && Number.isInteger(v) && v >= -1 && v < SEQ_SPAN)) {
      return { next: next as Record<string, number> };
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw errors.validation('cursor', 'cursor is not valid');
}

/** An ISO 8601 date or time as an instant: a date alone is its start, a time without a zone is UTC. */
function instant(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const zoned = /T/.test(value) && !/(Z|[+-]\d\d(:?\d\d)?)$/i.test(value) ? `${value}Z` : value;
  return new Date(zoned).getTime();
}

/** Whether a message passes the filters, and where the query is in it (null: a false candidate). */
function check(m: Message, f: Filters): Pick<Found, 'matchedIn' | 'fileName' | 'snippet'> | null {
  if (!isSearchable(m) || f.blocked.has(m.senderId)) return null;
  if (f.from && m.senderId !== f.from) return null;
  if (f.hasFile && !m.attachments.length) return null;
  const at = Date.parse(m.createdAt);
  if ((f.after !== undefined && at < f.after) || (f.before !== undefined && at >= f.before)) return null;
  const text = searchablePlainText(m.body);
  const inText = findMatches(text, f.query);
  if (inText.length) return { matchedIn: 'body', fileName: null, snippet: snippetOf(text, inText) };
  for (const a of m.attachments) {
    const inName = findMatches(a.name, f.query);
    if (inName.length) return { matchedIn: 'file', fileName: a.name, snippet: snippetOf(a.name, inName) };
  }
  return null;
}

/**
 * One room's matches under one key period, newest first, produced a chunk at a time: the rarest token's
 * postings in the room's ordinal range, kept when every other token has the same ordinal, then the messages
 * read, decrypted and checked (trigrams are not words: only a real match goes out).
 */
class RoomWalk {
  readonly found: Found[] = [];
  private hi: number;
  private readonly lo: number;
  private exhausted = false;
  private chunk = CHUNK_FIRST;

  constructor(
    readonly roomId: string,
    readonly roomOrd: number,
    private readonly tokens: bigint[],
    next: number,
    private readonly store: SearchStore,
    private readonly reads: MessageSearchReads,
    private readonly filters: Filters,
  ) {
    this.lo = messageOrd(roomOrd, 0);
    this.hi = messageOrd(roomOrd, next);
  }

  get done(): boolean {
    return this.exhausted && this.found.length === 0;
  }

  /** Reads on until a match is waiting or the room has no more. */
  async fill(): Promise<void> {
    while (!this.found.length && !this.exhausted) {
      const [lead, ...rest] = this.tokens;
      let ords = await this.store.walk(lead, this.lo, this.hi, this.chunk);
      if (ords.length < this.chunk) this.exhausted = true;
      this.chunk = Math.min(CHUNK_MAX, this.chunk * 2);
      if (ords.length) this.hi = ords[ords.length - 1] - 1;
      for (const token of rest) {
        if (!ords.length) break;
        const has = await this.store.present(token, ords);
        ords = ords.filter((o) => has.has(o));
      }
      if (!ords.length) continue;
      for (const m of await this.reads.bySeqs(this.roomId, ords.map(seqOfOrd))) {
        const hit = check(m, this.filters);
        if (hit) this.found.push({ ...hit, message: m, seq: m.seq, roomOrd: this.roomOrd });
      }
    }
  }
}

const newer = (a: Found, b: Found) => (a.message.createdAt !== b.message.createdAt ? a.message.createdAt > b.message.createdAt : a.seq !== b.seq ? a.seq > b.seq : a.roomOrd > b.roomOrd);

/**
 * Message search over the caller's rooms (those they are a member of now), through the keyed index: the
 * query's grams become tokens under each key period that answers, candidates come from the postings, and
 * every candidate is decrypted and checked before it is a result.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly indexer: SearchIndexer,
    private readonly rooms: RoomsService,
    private readonly relations: RelationsService,
    private readonly users: UsersService,
    private readonly reads: MessageSearchReads,
  ) {}

  private get store(): SearchStore {
    return this.indexer.store;
  }

  private get tokens(): SearchTokens {
    return this.indexer.tokens;
  }

  async search(userId: string, q: SearchQueryDto): Promise<SearchPage> {
    const normalised = normaliseQuery(q.q);
    if ('tooShort' in normalised) {
      throw errors.validation('q', `q must be at least ${MESSAGE_SEARCH_MIN_LENGTH} characters (${MESSAGE_SEARCH_MIN_LENGTH_CJK} in Chinese, Japanese or Korean)`);
    }
    const cursor = decodeCursor(q.cursor);
    const limit = q.limit ?? MESSAGE_SEARCH_PAGE_DEFAULT;
    let scope = await this.rooms.searchScope(userId);
    if (q.roomId) {
      scope = scope.filter((r) => r.id === q.roomId);
      if (!scope.length) throw roomNotFound();
    }
    const filters: Filters = {
      query: normalised.text,
      from: q.from,
      hasFile: q.has === SearchHas.File,
      after: instant(q.after),
      before: instant(q.before),
      blocked: new Set(await this.relations.blockedIdsBy(userId)),
    };
    const periods = await this.store.periods();
    const ready = periods.filter((p) => p.state === 'ready');
    const answering = ready.length ? ready : periods.filter((p) => p.state === 'building');
    const ords = await this.store.roomOrds(scope.map((r) => r.id));
    const grams = queryGrams(normalised.text);

    const walks: RoomWalk[] = [];
    const sample = scope.slice(0, RARITY_ROOMS).flatMap((r) => {
      const newest = bucketOf(messageOrd(ords.get(r.id)!, r.lastSeq));
      return [newest, newest - 1];
    });
    for (const period of answering) {
      const tokens = await this.byRarity(period, grams, sample);
      for (const room of scope) {
        const roomOrd = ords.get(room.id)!;
        const next = Math.min(cursor.next[roomOrd] ?? room.lastSeq, room.lastSeq);
        if (next >= 0) walks.push(new RoomWalk(room.id, roomOrd, tokens, next, this.store, this.reads, filters));
      }
    }
    await Promise.all(walks.map((w) => w.fill()));

    // Merge the rooms newest first; a message found under two key periods (during a rotation) counts once.
    const page: Found[] = [];
    const seen = new Set<string>();
    const lastSeq = new Map<number, number>();
    while (page.length < limit) {
      let best: RoomWalk | undefined;
      for (const w of walks) if (w.found.length && (!best || newer(w.found[0], best.found[0]))) best = w;
      if (!best) break;
      const hit = best.found.shift()!;
      lastSeq.set(hit.roomOrd, Math.min(lastSeq.get(hit.roomOrd) ?? Infinity, hit.seq));
      if (!best.found.length) await best.fill();
      if (seen.has(hit.message.id)) continue;
      seen.add(hit.message.id);
      page.push(hit);
    }
    const more = walks.some((w) => !w.done);
    const next: Record<string, number> = { ...cursor.next };
    for (const w of walks) {
      const taken = lastSeq.get(w.roomOrd);
      if (taken !== undefined) next[w.roomOrd] = Math.min(next[w.roomOrd] ?? Infinity, taken - 1);
      else if (w.done && !walks.some((o) => o.roomOrd === w.roomOrd && !o.done)) next[w.roomOrd] = -1;
    }
    return {
      results: await this.named(page, scope),
      nextCursor: more ? encodeCursor({ next }) : null,
      indexing: await this.behind(periods, scope),
    };
  }

  /** The query's tokens under a key period, the rarest first (it leads each room's walk). */
  private async byRarity(period: SearchPeriod, grams: string[], buckets: number[]): Promise<bigint[]> {
    const token = await this.tokens.ofAny(period.keyId);
    const counted = await Promise.all(grams.map(async (g) => ({ t: token(g), n: await this.store.rarity(token(g), buckets, RARITY_CAP) })));
    counted.sort((a, b) => a.n - b.n);
    return counted.map((c) => c.t);
  }

  private async named(page: Found[], scope: { id: string; kind: SearchResultRoom['kind']; name: string }[]): Promise<SearchResult[]> {
    const rooms = new Map(scope.map((r) => [r.id, { id: r.id, kind: r.kind, name: r.name }]));
    const names = await this.users.displayNames([...new Set(page.map((f) => f.message.senderId))]);
    return page.map(({ roomOrd: _ord, ...f }) => ({ ...f, room: rooms.get(f.message.roomId)!, senderName: names.get(f.message.senderId) ?? '' }));
  }

  /** Whether the index may be missing the newest changes of these rooms: a period is being built, or a room is behind. */
  private async behind(periods: SearchPeriod[], scope: { id: string; lastRev: number }[]): Promise<boolean> {
    if (periods.some((p) => p.state === 'building')) return true;
    const ready = periods.find((p) => p.state === 'ready');
    if (!ready) return scope.some((r) => r.lastRev > 0);
    const cursors = await this.store.cursors(ready.id);
    return scope.some((r) => r.lastRev > (cursors.get(r.id) ?? 0));
  }
}
