import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, Matches, ValidateIf } from 'class-validator';

/** Whether a body field must be present. An optional field may be left out; `null` is never "left out". */
export type Presence = { optional?: boolean };

/**
 * The presence rule and the OpenAPI entry of a field. Optional fields are validated whenever they are
 * present, `null` included, so `{"email": null}` is a 400 that names the field rather than a null written
 * over a required column (class-validator's IsOptional would let null through unchecked).
 */
export function presence(name: string, opts: Presence, doc: Record<string, unknown>): PropertyDecorator[] {
  return opts.optional
    ? [ValidateIf((_obj: object, value: unknown) => value !== undefined), ApiPropertyOptional(doc)]
    : [IsDefined({ message: `${name} is required` }), ApiProperty(doc)];
}

/** Trims text (and lower-cases it when asked) before it is validated; anything else passes unchanged. */
export const trimmed = (lower = false) =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (lower ? value.trim().toLowerCase() : value.trim()) : value));

/**
 * Characters no name or single line of text may hold: C0 and C1 controls (line breaks included), DEL,
 * bidirectional embeddings, overrides and isolates (they make "evil.exe" look like "exe.live"), line and
 * paragraph separators, and the byte-order mark. Joiners (U+200C/U+200D) stay: emoji and scripts need them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/u;
/** In multi-line text (message bodies): C0 controls other than tab, line feed and carriage return, and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

const negate = (re: RegExp) => new RegExp(`^[^${re.source.slice(1, -1)}]*$`, 'u');

/** A single line of text (a name, a topic, a status) without control or bidi-override characters. */
export function PlainLine(name: string): PropertyDecorator {
  return Matches(negate(LINE_FORBIDDEN), { message: `${name} must not contain control characters or bidirectional overrides` });
}

/** Multi-line text (a message body) without control characters other than tabs and line breaks. */
export function PlainText(name: string): PropertyDecorator {
  return Matches(negate(TEXT_FORBIDDEN), { message: `${name} must not contain control characters` });
}
