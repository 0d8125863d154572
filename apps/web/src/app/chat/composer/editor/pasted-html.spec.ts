import { withoutInlineStyles } from './pasted-html';

describe('withoutInlineStyles', () => {
  it('drops style attributes and event handlers from tags', () => {
    expect(withoutInlineStyles('<span style="color:red" data-color="red">red</span><img src=x onerror="alert(1)" ONLOAD=go>')).toBe(
      '<span data-color="red">red</span><img src=x>',
    );
  });

  it('copes with a ">" inside a quoted value', () => {
    expect(withoutInlineStyles(`<a title="a>b" style='x' href="https://e.x">l</a>`)).toBe('<a title="a>b" href="https://e.x">l</a>');
  });

  it('drops style elements', () => {
    expect(withoutInlineStyles('<style>p{color:red}</style><p>text</p>')).toBe('<p>text</p>');
  });

  it('leaves text alone, even text that looks like an attribute', () => {
    expect(withoutInlineStyles('<p>write style="x" in CSS &lt;b onclick=1&gt;</p>')).toBe('<p>write style="x" in CSS &lt;b onclick=1&gt;</p>');
  });
});
