import type { Editor } from '@tiptap/core';

/**
 * What a new line means where the cursor is, the same on a phone's Return and on Shift+Enter: a new line in a code
 * block (two empty lines at its end leave it), a new item in a list (an empty item leaves the list), a new paragraph
 * anywhere else (an empty one leaves a quote).
 */
export function insertNewLine(editor: Editor): boolean {
  return editor.commands.first(({ commands, state }) => [
    () => {
      const { $from, empty } = state.selection;
      const inCode = $from.parent.type.name === 'codeBlock';
      const atEnd = $from.parentOffset === $from.parent.content.size;
      if (!empty || !inCode || !atEnd || !$from.parent.textContent.endsWith('\n\n')) return false;
      return (
        commands.command(({ tr }) => {
          tr.delete($from.pos - 2, $from.pos);
          return true;
        }) && commands.exitCode()
      );
    },
    () => commands.newlineInCode(),
    () => commands.splitListItem('listItem'),
    () => commands.createParagraphNear(),
    () => commands.liftEmptyBlock(),
    () => commands.splitBlock(),
  ]);
}
