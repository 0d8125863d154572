import type { Attachment } from './files';
import { plainTextPreview } from './message-preview';
import { MessageKind, RoomEvent, describeRoomEvent } from './messages';

/** The formats a room's transcript can be exported in. */
export const TranscriptFormat = {
  Markdown: 'md',
  Text: 'txt',
  Json: 'json',
  Html: 'html',
} as const;
export type TranscriptFormat = (typeof TranscriptFormat)[keyof typeof TranscriptFormat];
export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = Object.values(TranscriptFormat);

/** The longest range one export may cover. */
export const TRANSCRIPT_MAX_DAYS = 3660;

/** What a transcript says about itself before the messages. */
export interface TranscriptHeader {
  room: { id: string; name: string };
  /** ISO 8601 instants; the range is [from, to). */
  from: string;
  to: string;
  /** The IANA time zone the times are written in (the JSON keeps ISO instants in UTC). */
  timeZone: string;
  exportedAt: string;
  exportedBy: { id: string; name: string };
}

/** One line of a transcript: a message as its reader sees it (decrypted, for an encrypted room's export). */
export interface TranscriptMessage {
  id: string;
  seq: number;
  sender: { id: string; name: string };
  createdAt: string;
  editedAt: string | null;
  /** Deleted messages stay as a line that says so (their text and files are gone). */
  deleted: boolean;
  kind: MessageKind;
  /** Set on system lines. */
  event: RoomEvent | null;
  /** Markdown, as written. */
  body: string;
  attachments: Pick<Attachment, 'id' | 'name' | 'size' | 'mime'>[];
  /** The id of the message it answers, when it is a reply. */
  replyToId: string | null;
}

/** The file name an export is saved under: the room's name (made safe) and the dates, with the format's extension. */
export function transcriptFileName(roomName: string, from: string, to: string, format: TranscriptFormat): string {
  const safe =
    roomName
      .normalize('NFKD')
      .replace(/[^\w\s.-]/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 60) || 'room';
  return `${safe}-${from.slice(0, 10)}-to-${to.slice(0, 10)}.${format}`;
}

/** The MIME type of each format. */
export function transcriptMime(format: TranscriptFormat): string {
  switch (format) {
    case TranscriptFormat.Markdown:
      return 'text/markdown; charset=utf-8';
    case TranscriptFormat.Text:
      return 'text/plain; charset=utf-8';
    case TranscriptFormat.Json:
      return 'application/json; charset=utf-8';
    case TranscriptFormat.Html:
      return 'text/html; charset=utf-8';
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** A byte count as people read it (same steps as the app: B, KB, MB, GB). */
function size(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The text of a message body without Markdown marks, its lines kept. */
function plainLines(body: string): string {
  return body
    .split('\n')
    .map((line) => plainTextPreview(line, Number.MAX_SAFE_INTEGER))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Writes a transcript a piece at a time (the server streams it; the browser writes an encrypted room's): the
 * header, each message in order, then the end. Times are written in the header's time zone; the JSON keeps ISO
 * instants. Nothing from a message is ever markup in the HTML: every text is escaped.
 */
export class TranscriptWriter {
  private readonly time: Intl.DateTimeFormat;
  private count = 0;

  constructor(
    readonly format: TranscriptFormat,
    private readonly header: TranscriptHeader,
  ) {
    this.time = new Intl.DateTimeFormat('en-GB', {
      timeZone: header.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
  }

  /** The local date and time of an instant, as "2026-12-05 09:30". */
  private when(iso: string): string {
    const parts = Object.fromEntries(this.time.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}`;
  }

  start(): string {
    const h = this.header;
    const range = `${this.when(h.from)} to ${this.when(h.to)} (${h.timeZone})`;
    switch (this.format) {
      case TranscriptFormat.Markdown:
        return `# ${h.room.name}\n\nTranscript from ${range}, exported by ${h.exportedBy.name} on ${this.when(h.exportedAt)}.\n\n`;
      case TranscriptFormat.Text:
        return `${h.room.name}\nTranscript from ${range}, exported by ${h.exportedBy.name} on ${this.when(h.exportedAt)}.\n\n`;
      case TranscriptFormat.Json:
        return `{"room":${JSON.stringify(h.room)},"from":${JSON.stringify(h.from)},"to":${JSON.stringify(h.to)},"timeZone":${JSON.stringify(h.timeZone)},"exportedAt":${JSON.stringify(h.exportedAt)},"exportedBy":${JSON.stringify(h.exportedBy)},"messages":[`;
      case TranscriptFormat.Html:
        return (
          `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(h.room.name)}</title>` +
          '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1b24}' +
          '.m{margin:0 0 1rem}.who{font-weight:600}.at{color:#5c5c6e;font-size:.85em;margin-left:.5rem}' +
          '.body{white-space:pre-wrap;margin:.2rem 0}.sys,.gone{color:#5c5c6e;font-style:italic}.files{margin:.2rem 0;padding-left:1.2rem}</style>' +
          `</head><body><h1>${escapeHtml(h.room.name)}</h1><p>Transcript from ${escapeHtml(range)}, exported by ${escapeHtml(h.exportedBy.name)} on ${escapeHtml(this.when(h.exportedAt))}.</p>\n`
        );
    }
  }

  message(m: TranscriptMessage): string {
    const first = this.count++ === 0;
    if (this.format === TranscriptFormat.Json) return `${first ? '' : ','}\n${JSON.stringify(m)}`;
    const at = this.when(m.createdAt) + (m.editedAt && !m.deleted ? ' (edited)' : '');
    const system = m.kind !== MessageKind.User && m.event ? describeRoomEvent(m.event) : null;
    const files = m.deleted ? [] : m.attachments;
    switch (this.format) {
      case TranscriptFormat.Markdown: {
        if (system) return `*${at} · ${system}*\n\n`;
        const text = m.deleted ? '*This message was deleted.*' : m.body.trim();
        const list = files.map((f) => `- 📎 ${f.name} (${size(f.size)})`).join('\n');
        return `**${m.sender.name}** · ${at}\n\n${[text, list].filter(Boolean).join('\n\n')}\n\n`;
      }
      case TranscriptFormat.Text: {
        if (system) return `[${at}] * ${system}\n`;
        const text = m.deleted ? '(This message was deleted.)' : plainLines(m.body);
        const list = files.map((f) => `  [file] ${f.name} (${size(f.size)})`).join('\n');
        return `[${at}] ${m.sender.name}: ${[text.replace(/\n/g, '\n    '), list].filter(Boolean).join('\n')}\n`;
      }
      case TranscriptFormat.Html: {
        if (system) return `<p class="m sys">${escapeHtml(at)} · ${escapeHtml(system)}</p>\n`;
        const text = m.deleted ? '<p class="body gone">This message was deleted.</p>' : m.body.trim() ? `<p class="body">${escapeHtml(plainLines(m.body))}</p>` : '';
        const list = files.length ? `<ul class="files">${files.map((f) => `<li>📎 ${escapeHtml(f.name)} (${size(f.size)})</li>`).join('')}</ul>` : '';
        return `<div class="m"><span class="who">${escapeHtml(m.sender.name)}</span><span class="at">${escapeHtml(at)}</span>${text}${list}</div>\n`;
      }
    }
  }

  end(): string {
    switch (this.format) {
      case TranscriptFormat.Json:
        return `\n],"count":${this.count}}\n`;
      case TranscriptFormat.Html:
        return `<p class="sys">${this.count} ${this.count === 1 ? 'message' : 'messages'}.</p></body></html>\n`;
      default:
        return this.count === 0 ? 'No messages in this range.\n' : '';
    }
  }
}
