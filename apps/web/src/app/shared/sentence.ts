/**
 * Ends a sentence with a full stop, unless its last word already brings one ("Friend request sent to Ada L."
 * must not become "… Ada L..").
 */
export function sentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?…]$/u.test(trimmed) ? trimmed : `${trimmed}.`;
}
