import { REMINDER_CHOICES } from '@parley/contracts';

/** A reminder lead in words: "At the start", "15 minutes before", "1 hour before", "1 day before". */
export function reminderLabel(minutes: number | null): string {
  if (minutes === null) return 'No reminder';
  if (minutes === 0) return 'At the start';
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'} before`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'} before`;
  return `${minutes} minute${minutes === 1 ? '' : 's'} before`;
}

/** The choices offered, with the current value kept when it is not one of them (set through the API). */
export function reminderOptions(current: number | null): { value: string; label: string }[] {
  const values: (number | null)[] = [null, ...REMINDER_CHOICES];
  if (current !== null && !REMINDER_CHOICES.includes(current)) values.push(current);
  return values.sort((a, b) => (a ?? -1) - (b ?? -1)).map((v) => ({ value: v === null ? 'none' : String(v), label: reminderLabel(v) }));
}

export const reminderFromOption = (value: string): number | null => (value === 'none' ? null : Number(value));
