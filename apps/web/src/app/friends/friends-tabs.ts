/** The tabs of the friends page, in order; the URL names the open one (`/friends?tab=requests`). */
export const FRIENDS_TABS = [
  { id: 'friends', label: 'Friends' },
  { id: 'requests', label: 'Requests' },
  { id: 'blocked', label: 'Blocked' },
  { id: 'find', label: 'Find people' },
] as const;

export type FriendsTab = (typeof FRIENDS_TABS)[number]['id'];

/** The tab a `tab` query parameter names; the friends list for anything else. */
export function tabFrom(value: string | null | undefined): FriendsTab {
  return FRIENDS_TABS.find((t) => t.id === value)?.id ?? 'friends';
}

/** Where arrow keys, Home and End move the selection in the tab list (wrapping around); null for other keys. */
export function tabAfterKey(current: FriendsTab, key: string): FriendsTab | null {
  const index = FRIENDS_TABS.findIndex((t) => t.id === current);
  const last = FRIENDS_TABS.length - 1;
  let next: number;
  if (key === 'ArrowRight') next = index === last ? 0 : index + 1;
  else if (key === 'ArrowLeft') next = index === 0 ? last : index - 1;
  else if (key === 'Home') next = 0;
  else if (key === 'End') next = last;
  else return null;
  return FRIENDS_TABS[next]!.id;
}
