/**
 * What a new line does where the cursor is (Return on a phone, Shift+Enter on a computer), in a live editor in
 * headless Chromium.
 */
import { HarnessPage, openHarnessPage } from './testing/harness-page.spec-support';

let harness: HarnessPage;
let call: HarnessPage['call'];

beforeAll(async () => {
  harness = await openHarnessPage();
  ({ call } = harness);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

describe('a new line (Return on a phone, Shift+Enter on a computer)', () => {
  it('starts a new paragraph in text', async () => {
    await call('edit', 'first');
    expect(await call('newLine')).toBe(true);
    await call('type', 'second');
    expect(await call('editorBody')).toBe('first\n\nsecond');
  });

  it('adds an item to a list, and an empty item leaves the list', async () => {
    await call('edit', '- one');
    await call('newLine');
    await call('type', 'two');
    expect(await call('editorBody')).toBe('- one\n- two');
    await call('newLine');
    await call('newLine');
    await call('type', 'after the list');
    expect(await call('editorBody')).toBe('- one\n- two\n\nafter the list');
  });

  it('adds a line to a code block, and two empty lines at its end leave it', async () => {
    await call('edit', '```\nlet a = 1;\n```');
    await call('newLine');
    await call('type', 'let b = 2;');
    expect(await call('editorBody')).toBe('```\nlet a = 1;\nlet b = 2;\n```');
    await call('newLine');
    await call('newLine');
    await call('newLine');
    await call('type', 'after the code');
    expect(await call('editorBody')).toBe('```\nlet a = 1;\nlet b = 2;\n```\n\nafter the code');
  });

  it('continues a quote, and an empty line leaves it', async () => {
    await call('edit', '> quoted');
    await call('newLine');
    await call('type', 'more');
    expect(await call('editorBody')).toBe('> quoted\n>\n> more');
    await call('newLine');
    await call('newLine');
    await call('type', 'not quoted');
    expect(await call('editorBody')).toBe('> quoted\n>\n> more\n\nnot quoted');
  });

  it('splits the text at the cursor', async () => {
    await call('edit', '**bold** and more');
    const at = await call('positionAfter', 'bo');
    await call('edit', '**bold** and more', at);
    await call('newLine');
    expect(await call('editorBody')).toBe('**bo**\n\n**ld** and more');
  });
});
