import { Node } from '@tiptap/core';

/**
 * Markdown the composer has no editor for (a GFM table), shown and edited as its source text and written back
 * unchanged, so editing a message with a table keeps the table.
 */
export const MarkdownSource = Node.create({
  name: 'markdownSource',
  group: 'block',
  content: 'text*',
  marks: '',
  code: true,
  defining: true,

  parseHTML() {
    return [{ tag: 'pre[data-markdown]', preserveWhitespace: 'full', priority: 60 }];
  },

  renderHTML() {
    return ['pre', { 'data-markdown': 'table', class: 'markdown-source' }, 0];
  },
});
