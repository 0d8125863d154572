import { normalise } from '@parley/contracts';

/** Words for ranking: letters and digits, normalised; a run of CJK characters is one word. */
export function words(text: string): string[] {
  return normalise(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}
