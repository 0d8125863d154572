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

/**
 * Uploads a file into a room in one request (the multipart route integrators use); answers its record. Many
 * uploads in a row meet the per-user write limit: then it waits as long as Retry-After says, like a good client.
 */
export async function uploadViaApi(baseUrl: string, client: ApiClient, roomId: string, file: TestFile): Promise<FileInfo> {
  for (;;) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const res = await fetch(`${baseUrl}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: client.authorization }, body: form });
    if (res.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    if (res.status !== 201) throw new Error(`POST /api/rooms/${roomId}/files: ${res.status} ${await res.text()}`);
    return (await res.json()) as FileInfo;
  }
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

/** A WAV file: `seconds` of a quiet 440 Hz tone, 8 kHz mono 16-bit. */
export function makeWav(name: string, seconds = 1): TestFile {
  const rate = 8000;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 3000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return { name, type: 'audio/wav', bytes: Buffer.concat([header, data]) };
}

/** A short WebM video recorded in the page (a moving square on a canvas, through MediaRecorder). */
export async function recordVideo(page: Page, name: string, width = 320, height = 180): Promise<TestFile> {
  const base64 = await page.evaluate(
    async ({ width, height }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d')!;
      const stream = canvas.captureStream(15);
      const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
      recorder.start();
      const started = performance.now();
      await new Promise<void>((resolve) => {
        const draw = () => {
          const t = (performance.now() - started) / 1000;
          ctx.fillStyle = '#1d3557';
          ctx.fillRect(0, 0, width, height);
          ctx.fillStyle = '#f1c453';
          ctx.fillRect(20 + t * 120, height / 2 - 30, 60, 60);
          if (t < 1.2) requestAnimationFrame(draw);
          else resolve();
        };
        draw();
      });
      recorder.stop();
      await stopped;
      const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    },
    { width, height },
  );
  return { name, type: 'video/webm', bytes: Buffer.from(base64, 'base64') };
}
