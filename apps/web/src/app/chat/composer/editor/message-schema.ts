import type { Extensions } from '@tiptap/core';
import Highlight from '@tiptap/extension-highlight';
import Subscript from '@tiptap/extension-subscript';
import Superscript from '@tiptap/extension-superscript';
import { Placeholder } from '@tiptap/extensions';
import StarterKit from '@tiptap/starter-kit';
import { MarkShortcuts } from './mark-shortcuts';
import { MarkdownSource } from './markdown-source';
import { TextColorMark } from './text-color';

/** The link schemes a message may carry (render-markdown's sanitiser drops any other). */
const SAFE_LINK = /^(?:https?:|mailto:)/i;

/**
 * What the composer can hold: exactly the message vocabulary of docs/messages.md (tables excepted, which stay
 * Markdown source). Anything else pasted or loaded is dropped by the schema.
 */
export function messageExtensions(placeholder?: () => string): Extensions {
  return [
    StarterKit.configure({
      // No empty line kept below a list or a code block: it would look like a blank line in the message.
      trailingNode: false,
      link: {
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        // GFM's own choice for bare www. addresses, so that they are written back bare.
        defaultProtocol: 'http',
        isAllowedUri: (url) => SAFE_LINK.test(url),
      },
    }),
    Subscript,
    Superscript,
    Highlight,
    TextColorMark,
    MarkdownSource,
    MarkShortcuts,
    ...(placeholder ? [Placeholder.configure({ placeholder })] : []),
  ];
}
