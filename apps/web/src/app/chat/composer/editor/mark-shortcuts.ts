import { Extension, markInputRule, textblockTypeInputRule } from '@tiptap/core';

/**
 * Markdown as you type: `**bold**`, `*italic*`, `_italic_`, `~~struck~~` and `==highlighted==` format when the closing
 * delimiter is typed. Stricter than Tiptap's own rules: as in Markdown, nothing but text may touch the delimiters
 * on the inside, so `2 * 3 * 4` or `a ** b` stay as typed. Three backticks at the start of a line make a code block
 * at once, as in Slack (a message's code block has no language).
 */
export const MarkShortcuts = Extension.create({
  name: 'markShortcuts',

  addInputRules() {
    const { marks } = this.editor.schema;
    const rule = (delimiter: string, type: keyof typeof marks) => {
      const d = delimiter.replace(/[*~=]/g, '\\$&');
      const c = `\\${delimiter[0]}`;
      const find = new RegExp(`(?:^|\\s)(${d}(?![\\s${c}])([^${c}]*[^\\s${c}])${d})$`);
      return markInputRule({ find, type: marks[type]! });
    };
    return [
      rule('**', 'bold'),
      rule('__', 'bold'),
      rule('*', 'italic'),
      rule('_', 'italic'),
      rule('~~', 'strike'),
      rule('==', 'highlight'),
      textblockTypeInputRule({ find: /^```$/, type: this.editor.schema.nodes['codeBlock']! }),
    ];
  },
});

/** Extensions whose input rules are on: these and Tiptap's block shortcuts (`# `, `- `, `1. `, `> `) and `code`. */
export const INPUT_RULES = ['heading', 'bulletList', 'orderedList', 'blockquote', 'horizontalRule', 'code', 'markShortcuts'];
