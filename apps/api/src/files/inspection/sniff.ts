// Types only: the package's export map is invisible to this project's (node10) module resolution.
import type * as FileType from 'file-type/index.js';

const FILE_TYPE = 'file-type';
let fileTypeModule: Promise<typeof FileType> | undefined;
/** file-type is ESM-only; the dynamic import compiles to a `require()` that Node 20.19+ (and Jest) can run. */
function loadFileType(): Promise<typeof FileType> {
  fileTypeModule ??= import(FILE_TYPE) as Promise<typeof FileType>;
  return fileTypeModule;
}

/** Types a browser may show inline (behind `nosniff` and `CSP: sandbox`): pictures but SVG, media, PDF, plain text. */
const INLINE_SAFE = new Set([
  'image/png',
  'image/apng',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
  'audio/mpeg',
  'audio/ogg',
  'audio/opus',
  'audio/wav',
  'audio/x-wav',
  'audio/webm',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/flac',
  'audio/x-flac',
  'application/pdf',
  'text/plain',
]);

/** May a file of this (sniffed) type be shown inline? Everything else is served only as a download. */
export function inlineSafe(mime: string): boolean {
  return INLINE_SAFE.has(mime);
}

/**
 * Names whose extension says "markup or program": served only as downloads even when their bytes are plain
 * text, so a script shared as `deploy.sh` or a page as `notes.html` is never shown as if it were a document.
 */
const DOWNLOAD_ONLY_EXTENSIONS = new Set([
  'htm', 'html', 'xhtml', 'shtml', 'mht', 'mhtml', 'svg', 'svgz', 'xml', 'xsl', 'xslt', 'js', 'mjs', 'cjs', 'jsx', 'wasm',
  'sh', 'bash', 'zsh', 'ksh', 'csh', 'ps1', 'psm1', 'bat', 'cmd', 'com', 'exe', 'msi', 'dll', 'scr', 'vbs', 'vbe', 'wsf',
  'wsh', 'hta', 'lnk', 'jar', 'apk', 'py', 'rb', 'pl', 'php', 'swf',
]);

export function downloadOnlyName(fileName: string): boolean {
  const ext = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext !== undefined && DOWNLOAD_ONLY_EXTENSIONS.has(ext);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** C0 controls that text does not hold: all but tab, line feed, form feed, carriage return and escape. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x1b]);

/** Any byte of a control character in UTF-8 is that character itself (multi-byte sequences are all >= 0x80). */
function hasBinaryControls(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if ((byte < 0x20 && !TEXT_CONTROLS.has(byte)) || byte === 0x7f) return true;
  }
  return false;
}

/**
 * True when `head` is UTF-8 text. `complete` is false when the file goes on after it: a character cut at the
 * end of the head is then fine.
 */
export function isUtf8Text(head: Buffer, complete: boolean): boolean {
  for (let cut = 0; cut <= (complete ? 0 : 3); cut++) {
    try {
      UTF8.decode(head.subarray(0, head.length - cut));
      return !hasBinaryControls(head);
    } catch {
      /* a multi-byte character cut by the head: try without its first bytes */
    }
  }
  return false;
}

/** The leading tags by which browsers recognise HTML (the WHATWG sniffing rules), and other active markup anywhere. */
const HTML_START = /^(<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--)[\s>]/i;
const ACTIVE_MARKUP = /<(script|iframe|object|embed|html|body|svg|meta\s+http-equiv)[\s/>]/i;

/** What kind of text `text` is: HTML, SVG, XML, a script with a `#!` line, or plain. */
function textType(text: string): string {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (/^<\?xml[\s?]/i.test(start) || /^<svg[\s>]/i.test(start)) return /<svg[\s>]/i.test(start) ? 'image/svg+xml' : 'application/xml';
  if (HTML_START.test(start) || ACTIVE_MARKUP.test(start)) return 'text/html';
  if (start.startsWith('#!')) return 'text/x-shellscript';
  return 'text/plain';
}

/**
 * The type of a file judged by its first bytes alone (never its name or declared type): a known signature
 * (file-type), else UTF-8 text (HTML, SVG and XML recognised, as they must only be downloaded), else
 * `application/octet-stream`.
 */
export async function sniffType(head: Buffer, size: number): Promise<string> {
  const { fileTypeFromBuffer } = await loadFileType();
  const found = head.length ? await fileTypeFromBuffer(head) : undefined;
  if (found) {
    if (found.mime === 'application/xml') return textType(head.toString('utf8'));
    return found.mime;
  }
  if (isUtf8Text(head, head.length >= size)) return textType(head.toString('utf8'));
  return 'application/octet-stream';
}
