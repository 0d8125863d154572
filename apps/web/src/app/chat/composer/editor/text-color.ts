import { Mark } from '@tiptap/core';
import { TEXT_COLORS, TextColor } from '../../message-body/render-markdown';

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    textColor: {
      /** Colours the selection (or what is typed next) with a colour of the palette. */
      setTextColor: (color: TextColor) => ReturnType;
      unsetTextColor: () => ReturnType;
    };
  }
}

function paletteColor(value: string | null): TextColor | null {
  return (TEXT_COLORS as readonly string[]).includes(value ?? '') ? (value as TextColor) : null;
}

/**
 * Font colour from the palette, as `<span data-color="…">` (the message vocabulary). A data attribute rather than a
 * style, so the page's CSP (no inline styles) holds and the stylesheet picks a readable tone for each theme.
 */
export const TextColorMark = Mark.create({
  name: 'textColor',

  addAttributes() {
    return {
      color: {
        default: null,
        parseHTML: (element: HTMLElement) => paletteColor(element.getAttribute('data-color')),
        renderHTML: (attributes: { color?: string | null }) => ({ 'data-color': attributes.color }),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'span[data-color]', getAttrs: (element: HTMLElement) => (paletteColor(element.getAttribute('data-color')) ? null : false) }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['span', HTMLAttributes, 0];
  },

  addCommands() {
    return {
      setTextColor:
        (color) =>
        ({ commands }) =>
          commands.setMark(this.name, { color }),
      unsetTextColor:
        () =>
        ({ commands }) =>
          commands.unsetMark(this.name),
    };
  },
});
