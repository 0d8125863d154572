const SAFE_SCHEME = /^(?:https?:|mailto:)/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const HOST_AND_PORT = /^[^:/]+:\d/;
const EMAIL = /^[^@/\s]+@[^@/\s]+\.[^@/\s]+$/;

/**
 * What was typed into the link field, as an address a message may carry: `example.com` gets `https://`, an e-mail
 * address gets `mailto:`. Null when it is no address, or uses a scheme messages refuse (`javascript:`, `data:`…).
 */
export function linkAddress(typed: string): string | null {
  const text = typed.trim();
  if (!text || /\s/.test(text)) return null;
  if (SAFE_SCHEME.test(text)) return text;
  if (ANY_SCHEME.test(text) && !HOST_AND_PORT.test(text)) return null;
  if (EMAIL.test(text)) return `mailto:${text}`;
  return `https://${text}`;
}
