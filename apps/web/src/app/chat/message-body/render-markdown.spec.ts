/**
 * renderMarkdown() and toPlainText() in a real DOM: the module is bundled with esbuild and run in headless
 * Chromium (whose HTML parser is the one mutation-XSS tricks target), with no CSP in the page, so only the
 * sanitiser stands between a payload and the page.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';

interface RenderModule {
  renderMarkdown(body: string): string;
  sanitizeHtml(html: string): string;
  toPlainText(body: string): string;
}
type PageWindow = Window & { md: RenderModule; __xss?: unknown; __dialogs: number };

const ALLOWED_TAGS = 'p br strong em u s del h1 h2 h3 h4 h5 h6 sub sup ul ol li code pre blockquote a mark span hr table thead tbody tr th td';
const ALLOWED_ATTRIBUTES = 'href data-color start rel target';

/** Payloads that would set window.__xss (or open a dialog) if anything in them ran. */
export const XSS_CORPUS: readonly string[] = [
  '<script>window.__xss=1</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<sub><script>window.__xss=1</script></sub>',
  '<template><script>window.__xss=1</script></template>',
  '<img src=x onerror="window.__xss=1">',
  '<img srcset="x 1x" onerror=window.__xss=1>',
  '"><img src=x onerror=window.__xss=1>',
  '<svg onload="window.__xss=1">',
  '<svg><script>window.__xss=1</script></svg>',
  '<svg><animate onbegin="window.__xss=1" attributeName="x" dur="1s"></svg>',
  '<svg><set attributeName="onmouseover" to="window.__xss=1"/></svg>',
  '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">x</text></a></svg>',
  '<svg><style><img src=x onerror="window.__xss=1"></style></svg>',
  '<math><mi xlink:href="javascript:window.__xss=1">x</mi></math>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=window.__xss=1>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
  '<xmp><img src=x onerror=window.__xss=1></xmp>',
  '<!--<img src="--><img src=x onerror=window.__xss=1//">',
  '<a href="javascript:window.__xss=1">click</a>',
  '<a href="JaVaScRiPt:window.__xss=1">click</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1">click</a>',
  '<a href="&#x6A;avascript&#x3A;window.__xss=1">click</a>',
  '<a href="java&#9;script:window.__xss=1">click</a>',
  '<a href=" &#14; javascript:window.__xss=1">click</a>',
  '<a href="javascript&colon;window.__xss=1">click</a>',
  '<a href="vbscript:msgbox(1)">click</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
  '<a href="https://example.com" onclick="window.__xss=1" target="_self" id="x" class="btn">ok</a>',
  '<a href="https://example.com"><svg onload=window.__xss=1></a>',
  '<a id="__xss" name="__xss">clobber</a>',
  '[click](javascript:window.__xss=1)',
  '[click](JAVASCRIPT:window.__xss=1)',
  '[click](&#106;avascript:window.__xss=1)',
  '[click](javascript&colon;window.__xss=1)',
  '[click](data:text/html,<script>window.__xss=1</script>)',
  '[click][1]\n\n[1]: javascript:window.__xss=1',
  '![x](javascript:window.__xss=1)',
  '![tracking pixel](https://evil.example/track.png)',
  '![x" onerror="window.__xss=1](x)',
  '<javascript:window.__xss=1>',
  '<https://example.com/" onmouseover="window.__xss=1>',
  'www.example.com/"onmouseover="window.__xss=1"',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '<object data="javascript:window.__xss=1"></object>',
  '<embed src="javascript:window.__xss=1">',
  '<form action="javascript:window.__xss=1"><button>go</button></form>',
  '<button formaction="javascript:window.__xss=1">go</button>',
  '<input autofocus onfocus="window.__xss=1">',
  '<details open ontoggle="window.__xss=1"><summary>x</summary></details>',
  '<body onload="window.__xss=1">',
  '<video><source onerror="window.__xss=1"></video>',
  '<audio src=x onerror="window.__xss=1">',
  '<marquee onstart="window.__xss=1">x</marquee>',
  '<div onpointerover="window.__xss=1" onmouseover="window.__xss=1">hover me</div>',
  '<table><td background="javascript:window.__xss=1">x</td></table>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  '<base href="javascript:/">',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<style>body{background:url("javascript:window.__xss=1")}</style>',
  '<span style="background:url(javascript:window.__xss=1)">x</span>',
  '<p style="position:fixed;inset:0;z-index:9999">fake overlay</p>',
  '<span data-color="red" onclick="window.__xss=1">x</span>',
  '<span data-color="red;background:url(x)">x</span>',
  '`<script>window.__xss=1</script>`',
  '```html\n<img src=x onerror=window.__xss=1>\n```',
  '<code><img src=x onerror="window.__xss=1"></code>',
  '<pre><code><svg onload=window.__xss=1></code></pre>',
  '<kbd><img src=x onerror=window.__xss=1></kbd>',
  'inline <script>window.__xss=1</script> script',
  '[<img src=x onerror=window.__xss=1>](https://example.com)',
  '<u><img src=x onerror=window.__xss=1></u>',
  '<span data-color="red"><svg onload=window.__xss=1></span>',
  '- item <iframe src="javascript:window.__xss=1"></iframe>\n- <style>*{display:none}</style>',
  '> <img src=x onerror=window.__xss=1>',
  '| a | b |\n|---|---|\n| <img src=x onerror=window.__xss=1> | <a href="javascript:window.__xss=1">x</a> |',
];

let browser: Browser;
let page: Page;
let bundleText: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(__dirname, 'render-markdown.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'md',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  bundleText = bundle.outputFiles[0]!.text;
  browser = await chromium.launch({ executablePath: process.env['CHROME_PATH'] || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage();
  await page.setContent('<!doctype html><html><head><title>md</title></head><body><div id="out"></div></body></html>');
  await page.evaluate(() => {
    const w = window as unknown as PageWindow;
    w.__dialogs = 0;
    w.alert = w.confirm = w.prompt = (() => {
      w.__dialogs += 1;
    }) as never;
  });
  page.on('dialog', (dialog) => void dialog.dismiss());
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const render = (body: string) => page.evaluate((b) => (window as unknown as PageWindow).md.renderMarkdown(b), body);
const plain = (body: string) => page.evaluate((b) => (window as unknown as PageWindow).md.toPlainText(b), body);

/** Renders into the live document, pokes every element, and reports anything that is not on the allow-list. */
async function renderLive(body: string, layer: 'renderMarkdown' | 'sanitizeHtml'): Promise<{ html: string; problems: string[]; ran: boolean }> {
  return page.evaluate(
    async ({ b, tags, attrs, fn }) => {
      const w = window as unknown as PageWindow;
      const allowedTags = new Set(tags.split(' '));
      const allowedAttrs = new Set(attrs.split(' '));
      const html = w.md[fn](b);
      const out = document.getElementById('out')!;
      out.innerHTML = html;
      const problems: string[] = [];
      for (const el of Array.from(out.querySelectorAll('*'))) {
        const tag = el.tagName.toLowerCase();
        if (!allowedTags.has(tag)) problems.push(`tag <${tag}>`);
        if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') problems.push(`namespace ${el.namespaceURI}`);
        for (const attr of Array.from(el.attributes)) {
          if (!allowedAttrs.has(attr.name)) problems.push(`attribute ${attr.name} on <${tag}>`);
        }
        const href = el.getAttribute('href');
        if (href !== null && !/^(?:https?:|mailto:)/i.test(href)) problems.push(`href ${href}`);
        for (const type of ['mouseover', 'pointerover', 'focus', 'focusin', 'toggle', 'animationstart']) el.dispatchEvent(new Event(type));
      }
      await new Promise((r) => setTimeout(r, 30));
      const ran = w.__xss !== undefined || w.__dialogs > 0 || !document.getElementById('out');
      out.innerHTML = '';
      return { html, problems, ran };
    },
    { b: body, tags: ALLOWED_TAGS, attrs: ALLOWED_ATTRIBUTES, fn: layer },
  );
}

/** Nothing that could run survives, in any case. (Text is escaped, so a `<` in the output always opens a real tag.) */
function expectNoExecutableMarkup(html: string): void {
  expect(html).not.toMatch(/<(script|iframe|object|embed|form|input|button|style|meta|link|base|svg|math|img|video|audio|source|template|noscript|xmp)\b/i);
  expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/<[^>]*\s(style|class|id|name|srcdoc|background|formaction|xlink:href)\s*=/i);
  expect(html).not.toMatch(/<[^>]*href="\s*(javascript|data|vbscript)/i);
}

describe('the XSS corpus renders inert', () => {
  it('has at least 40 payloads', () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(XSS_CORPUS.map((p) => [p]))('%s', async (payload) => {
    const result = await renderLive(payload, 'renderMarkdown');
    expect({ problems: result.problems, ran: result.ran }).toEqual({ problems: [], ran: false });
    expectNoExecutableMarkup(result.html);
  });

  // The second layer on its own, as if raw HTML ever got past the Markdown step.
  it.each(XSS_CORPUS.map((p) => [p]))('sanitizeHtml alone: %s', async (payload) => {
    const result = await renderLive(payload, 'sanitizeHtml');
    expect({ problems: result.problems, ran: result.ran }).toEqual({ problems: [], ran: false });
    expectNoExecutableMarkup(result.html);
  });

  it('leaves the marker untouched after the whole corpus', async () => {
    const state = await page.evaluate(() => {
      const w = window as unknown as PageWindow;
      return { xss: typeof w.__xss, dialogs: w.__dialogs };
    });
    expect(state).toEqual({ xss: 'undefined', dialogs: 0 });
  });
});

describe('under the app\'s CSP', () => {
  it('renders the whole corpus without a single CSP violation report', async () => {
    const cspPage = await browser.newPage();
    const origin = 'http://parley.test';
    await cspPage.route(`${origin}/**`, (route) => {
      const { pathname } = new URL(route.request().url());
      if (pathname === '/md.js') return route.fulfill({ contentType: 'text/javascript', body: bundleText });
      return route.fulfill({
        contentType: 'text/html',
        headers: { 'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'" },
        body: '<!doctype html><html><head><title>csp</title><script src="/md.js"></script></head><body><div id="out"></div></body></html>',
      });
    });
    await cspPage.goto(`${origin}/`);
    const violations = await cspPage.evaluate(async (corpus) => {
      const seen: string[] = [];
      let current = "";
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${current}`));
      const w = window as unknown as PageWindow;
      const out = document.getElementById('out')!;
      for (const body of corpus) {
        current = body;
        out.innerHTML = w.md.renderMarkdown(body);
        w.md.toPlainText(body);
      }
      await new Promise((r) => setTimeout(r, 200));
      return seen;
    }, XSS_CORPUS as string[]);
    await cspPage.close();
    expect(violations).toEqual([]);
  });
});

describe('renderMarkdown formatting', () => {
  it.each([
    ['**bold**', '<p><strong>bold</strong></p>'],
    ['*italic* and _also_', '<p><em>italic</em> and <em>also</em></p>'],
    ['<u>under</u>', '<p><u>under</u></p>'],
    ['~~gone~~', '<p><del>gone</del></p>'],
    ['<s>struck</s>', '<p><s>struck</s></p>'],
    ['H<sub>2</sub>O and E=mc<sup>2</sup>', '<p>H<sub>2</sub>O and E=mc<sup>2</sup></p>'],
    ['<mark>look</mark>', '<p><mark>look</mark></p>'],
    ['<span data-color="red">alarm</span>', '<p><span data-color="red">alarm</span></p>'],
    ['<span data-color="gray">quiet</span>', '<p><span data-color="gray">quiet</span></p>'],
    ['`x < y`', '<p><code>x &lt; y</code></p>'],
    ['# Title', '<h1>Title</h1>'],
    ['### Small', '<h3>Small</h3>'],
    ['- one\n- two', '<ul>\n<li>one</li>\n<li>two</li>\n</ul>'],
    ['1. one\n2. two', '<ol>\n<li>one</li>\n<li>two</li>\n</ol>'],
    ['3. three\n4. four', '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'],
    ['> quoted', '<blockquote>\n<p>quoted</p>\n</blockquote>'],
    ['line one\nline two', '<p>line one<br>line two</p>'],
    ['Emoji 🎉👍🏽', '<p>Emoji 🎉👍🏽</p>'],
  ])('%j', async (body, html) => {
    expect((await render(body)).trim()).toBe(html);
  });

  it('keeps Markdown working inside the inline-HTML vocabulary', async () => {
    expect((await render('<span data-color="blue">**bold blue**</span>')).trim()).toBe('<p><span data-color="blue"><strong>bold blue</strong></span></p>');
  });

  it('shows code blocks literally, without the language class', async () => {
    expect((await render('```js\nconst a = "<b>";\n```')).trim()).toBe('<pre><code>const a = "&lt;b&gt;";\n</code></pre>');
  });

  it('opens links in a new tab without referrer or opener, and autolinks bare URLs', async () => {
    expect((await render('[docs](https://example.com/a?b=1)')).trim()).toBe(
      '<p><a href="https://example.com/a?b=1" rel="noopener noreferrer nofollow" target="_blank">docs</a></p>',
    );
    expect((await render('see https://example.com')).trim()).toBe(
      '<p>see <a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">https://example.com</a></p>',
    );
    expect((await render('<mailto:ada@example.com>')).trim()).toContain('href="mailto:ada@example.com"');
  });

  it('drops hrefs that are not http(s) or mailto, keeping the text', async () => {
    expect((await render('[home](/r/123)')).trim()).toBe('<p><a>home</a></p>');
    expect((await render('[call](tel:123)')).trim()).toBe('<p><a>call</a></p>');
  });

  it('turns images into links, so a message never loads anything', async () => {
    expect((await render('![logo](https://example.com/logo.png)')).trim()).toBe(
      '<p><a href="https://example.com/logo.png" rel="noopener noreferrer nofollow" target="_blank">logo</a></p>',
    );
  });

  it('accepts the vocabulary tags in any spelling and writes them in one canonical form', async () => {
    expect((await render("<U>a</U> <span data-color='green'>b</span> <SPAN DATA-COLOR=blue>c</SPAN> x<br/>y")).trim()).toBe(
      '<p><u>a</u> <span data-color="green">b</span> <span data-color="blue">c</span> x<br>y</p>',
    );
  });

  it('shows any other raw HTML as the text it is', async () => {
    expect((await render('<span data-color="hotpink">x</span>')).trim()).toBe('<p>&lt;span data-color="hotpink"&gt;x</p>');
    expect((await render('<u class="big">x</u> <b>bold?</b>')).trim()).toBe('<p>&lt;u class="big"&gt;x &lt;b&gt;bold?&lt;/b&gt;</p>');
    expect((await render('<div><b>kept</b> <font color="red">too</font></div>')).trim()).toBe(
      '<p>&lt;div&gt;&lt;b&gt;kept&lt;/b&gt; &lt;font color="red"&gt;too&lt;/font&gt;&lt;/div&gt;</p>',
    );
  });

  it('reads an HTML block as Markdown text, keeping the vocabulary', async () => {
    expect((await render('<u>\n**under and bold**\n</u>')).trim()).toBe('<p><u><br><strong>under and bold</strong><br></u></p>');
  });

  it('lets the sanitiser refuse colours outside the palette and attributes beyond the allow-list', async () => {
    const clean = (html: string) => page.evaluate((h) => (window as unknown as PageWindow).md.sanitizeHtml(h), html);
    expect(await clean('<span data-color="hotpink">x</span>')).toBe('<span>x</span>');
    expect(await clean('<u data-color="red">x</u>')).toBe('<u>x</u>');
    expect(await clean('<span data-other="1" title="t" class="c" style="color:red">x</span>')).toBe('<span>x</span>');
    expect(await clean('<ol start="3" reversed><li>x</li></ol>')).toBe('<ol start="3"><li>x</li></ol>');
    expect(await clean('<div><b>kept</b> <font color="red">too</font></div>')).toBe('kept too');
  });

  it('renders GFM tables without attributes', async () => {
    const html = await render('| a | b |\n|:--|--:|\n| 1 | 2 |');
    expect(html).toContain('<table>');
    expect(html).toContain('<th>a</th>');
    expect(html).not.toContain('align');
  });

  it('shows task-list checkboxes as text', async () => {
    expect((await render('- [x] done\n- [ ] todo')).trim()).toBe('<ul>\n<li>☑ done</li>\n<li>☐ todo</li>\n</ul>');
  });
});

describe('toPlainText', () => {
  it.each([
    ['**Hello** _there_', 'Hello there'],
    ['# Title\n\nParagraph one\n\n- a\n- b', 'Title Paragraph one a b'],
    ['<span data-color="red">red</span> and <mark>marked</mark>', 'red and marked'],
    ['[link text](https://example.com)', 'link text'],
    ['<script>window.__xss=1</script>safe', '<script>window.__xss=1</script>safe'],
    ['a < b & c', 'a < b & c'],
    ['line one\nline two', 'line one line two'],
    ['🎉 party', '🎉 party'],
    ['', ''],
  ])('%j', async (body, text) => {
    expect(await plain(body)).toBe(text);
  });
});

describe('answers kept for bodies seen lately', () => {
  it('gives the same HTML and text for a body asked again, also once it has been pushed out by 600 others', async () => {
    const result = await page.evaluate((corpus) => {
      const md = (window as unknown as PageWindow).md;
      const bodies = [...corpus, '**bold** and _em_ with <u>u</u>', '[x](https://example.com)'];
      const first = bodies.map((b) => [md.renderMarkdown(b), md.toPlainText(b)]);
      const again = bodies.map((b) => [md.renderMarkdown(b), md.toPlainText(b)]);
      for (let i = 0; i < 600; i++) md.toPlainText(md.renderMarkdown(`filler *${i}*`));
      const afterEviction = bodies.map((b) => [md.renderMarkdown(b), md.toPlainText(b)]);
      // Different bodies never share an answer.
      const distinct = md.renderMarkdown('*one*') !== md.renderMarkdown('*two*') && md.toPlainText('*one*') === 'one';
      return { first, again, afterEviction, distinct };
    }, XSS_CORPUS as string[]);
    expect(result.again).toEqual(result.first);
    expect(result.afterEviction).toEqual(result.first);
    expect(result.distinct).toBe(true);
  });
});
