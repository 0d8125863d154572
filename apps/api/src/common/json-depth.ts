import { JSON_MAX_DEPTH } from '@parley/contracts';

/**
 * How deep `value` nests objects and arrays, counted without recursion (so a hostile payload cannot
 * overflow the stack here) and given up on as soon as it passes `limit`: the answer is then `limit + 1`.
 */
export function jsonDepth(value: unknown, limit = JSON_MAX_DEPTH): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return limit + 1;
    for (const child of Array.isArray(node) ? node : Object.values(node as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

export const JSON_TOO_DEEP_MESSAGE = `The JSON nests objects or arrays more than ${JSON_MAX_DEPTH} levels deep`;

/** True when the value nests deeper than JSON_MAX_DEPTH. */
export function isTooDeep(value: unknown): boolean {
  return jsonDepth(value) > JSON_MAX_DEPTH;
}
