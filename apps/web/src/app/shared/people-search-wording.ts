/**
 * How the people directory matches (GET /api/users?q=): part of a display name or username, and an email
 * address only when it is typed in full. Every search field for people says so in the same words.
 */
export const PEOPLE_SEARCH_PLACEHOLDER = 'Name, username or full email address';
export const PEOPLE_SEARCH_HINT = 'Part of a name or username, or a complete email address.';
