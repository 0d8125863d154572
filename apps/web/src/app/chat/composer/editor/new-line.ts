import type { CommandProps, Editor } from '@tiptap/core';
import { TextSelection } from '@tiptap/pm/state';

/**
 * What a new line means where the cursor is, the same on a phone's Return and on Shift+Enter: a new line in a code
 * block (two empty lines at its end leave it), a new item in a list (an empty item leaves the list), a new paragraph
 * anywhere else (an empty one leaves a quote).
 */
export function insertNewLine(editor: Editor): boolean {
  return editor.commands.first(({ commands }) => [
    () => commands.command(leaveCodeBlock),
    () => commands.newlineInCode(),
    () => commands.splitListItem('listItem'),
    () => commands.createParagraphNear(),
    () => commands.liftEmptyBlock(),
    () => commands.splitBlock(),
  ]);
}

/** At the end of a code block that ends in two empty lines: drop them and go on in a paragraph below it. */
function leaveCodeBlock({ state, tr, dispatch }: CommandProps): boolean {
  const { $from, empty } = state.selection;
  const code = $from.parent;
  if (!empty || code.type.name !== 'codeBlock' || $from.parentOffset !== code.content.size || !code.textContent.endsWith('\n\n')) return false;
  if (dispatch) {
    const below = $from.after();
    tr.delete($from.pos - 2, $from.pos);
    const at = tr.mapping.map(below);
    tr.insert(at, state.schema.nodes['paragraph']!.create());
    tr.setSelection(TextSelection.create(tr.doc, at + 1)).scrollIntoView();
  }
  return true;
}
