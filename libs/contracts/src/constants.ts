/** Limits and names shared by the API (validation) and the web app (form hints). */
export const API_PREFIX = 'api';

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;
/** Lower-case letters, digits, dot, underscore and hyphen. Input is lower-cased before it is checked. */
export const USERNAME_PATTERN = /^[a-z0-9._-]+$/;

export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 10;
/** argon2 happily hashes anything; the cap stops a 1 MB "password" from burning CPU. */
export const PASSWORD_MAX_LENGTH = 256;
export const DISPLAY_NAME_MAX_LENGTH = 64;
export const STATUS_TEXT_MAX_LENGTH = 140;
export const TOKEN_NAME_MAX_LENGTH = 64;
export const LOGIN_MAX_LENGTH = EMAIL_MAX_LENGTH;
export const SEARCH_QUERY_MAX_LENGTH = 64;
export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;
/**
 * The deepest nesting of objects and arrays a JSON request body or socket payload may have. Parley's own
 * payloads need 3; anything deeper is refused with 400 before it is looked at.
 */
export const JSON_MAX_DEPTH = 32;

/** The HttpOnly session cookie set by login. */
export const SESSION_COOKIE = 'parley_session';
/**
 * CSRF: a readable cookie whose value must be echoed in a header on every state-changing request that is
 * authenticated by the session cookie. The names are Angular HttpClient's defaults, so the web app needs
 * no extra code.
 */
export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'x-xsrf-token';

/** Prefixes make leaked tokens easy to recognise (and to scan for) in logs and repositories. */
export const SESSION_TOKEN_PREFIX = 'pls_';
export const ACCESS_TOKEN_PREFIX = 'plt_';
