import { FileInfo } from '@parley/contracts';
import { Page } from 'playwright-core';
import sharp from 'sharp';
import { ApiClient } from './api-client';

/** A file as a test hands it to the page or the API. */
export interface TestFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/**
 * A picture worth looking at in a screenshot: a diagonal gradient between two hues with a lighter disc, as
 * PNG (or JPEG), `width` × `height` pixels.
 */
export async function makePicture(name: string, width: number, height: number, hue = 210, format: 'png' | 'jpeg' = 'png'): Promise<TestFile> {
  const pixels = Buffer.alloc(width * height * 3);
  const rgb = (h: number, l: number): [number, number, number] => {
    const a = 0.55 * Math.min(l, 1 - l);
    const f = (n: number) => {
      const k = (n + h / 30) % 12;
      return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
    };
    return [f(0), f(8), f(4)];
  };
  const cx = width * 0.68;
  const cy = height * 0.38;
  const r = Math.min(width, height) * 0.22;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      const [red, green, blue] = rgb((hue + t * 60) % 360, inDisc ? 0.82 : 0.35 + t * 0.25);
      const i = (y * width + x) * 3;
      pixels[i] = red;
      pixels[i + 1] = green;
      pixels[i + 2] = blue;
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  const bytes = format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 85 }).toBuffer();
  return { name, type: format === 'png' ? 'image/png' : 'image/jpeg', bytes };
}

/** A small, valid one-page PDF that says `text`. */
export function makePdf(name: string, text: string): TestFile {
  const stream = `BT /F1 24 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, type: 'application/pdf', bytes: Buffer.from(pdf, 'latin1') };
}

/** Bytes that no sniffer recognises (served as a download, listed under "Other"). */
export function makeBlob(name: string, size: number, seed = 7): TestFile {
  const bytes = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  // Not a signature any file type starts with.
  bytes.write('PARLEY-TEST-DATA', 0, 'latin1');
  return { name, type: 'application/octet-stream', bytes };
}

/** Uploads a file into a room in one request (the multipart route integrators use); answers its record. */
export async function uploadViaApi(baseUrl: string, client: ApiClient, roomId: string, file: TestFile): Promise<FileInfo> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${baseUrl}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: client.authorization }, body: form });
  if (res.status !== 201) throw new Error(`POST /api/rooms/${roomId}/files: ${res.status} ${await res.text()}`);
  return (await res.json()) as FileInfo;
}

/**
 * Drags files over the conversation the way the browser does when they come from the desktop: a DataTransfer
 * built in the page, then dragenter and dragover on the message list. `drop()` finishes the drag.
 */
export async function dragFilesOver(page: Page, files: TestFile[]): Promise<{ drop(): Promise<void> }> {
  await page.evaluate((list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    (window as unknown as { __drag: DataTransfer }).__drag = data;
    const target = document.querySelector('app-message-list')!;
    for (const type of ['dragenter', 'dragover']) target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
  }, files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })));
  return {
    drop: () =>
      page.evaluate(() => {
        const data = (window as unknown as { __drag: DataTransfer }).__drag;
        document.querySelector('app-message-list')!.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
      }),
  };
}
