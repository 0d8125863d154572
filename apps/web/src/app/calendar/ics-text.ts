import { EncryptedCalendarContent } from '@parley/contracts';

/**
 * An encrypted room's `.ics` with the text put back: the server writes the file with the times, rule and
 * exceptions, titled "Encrypted event" and without description or location (it cannot read them); this device
 * decrypted them and writes them into every VEVENT (the series and its moved occurrences). ical.js (loaded on
 * first use, not in the initial bundle) parses and writes the file, escaping and folding as RFC 5545 says.
 */
export async function icsWithText(ics: string, text: EncryptedCalendarContent): Promise<string> {
  const { default: ICAL } = await import('ical.js');
  // ical.js folds after foldLength octets and then adds the leading space: 74 keeps every line within RFC 5545's 75.
  ICAL.foldLength = 74;
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const event of calendar.getAllSubcomponents('vevent')) {
    event.updatePropertyWithValue('summary', text.title);
    if (text.description) event.updatePropertyWithValue('description', text.description);
    if (text.location) event.updatePropertyWithValue('location', text.location);
  }
  for (const name of ['x-wr-calname', 'name']) calendar.getFirstProperty(name)?.setValue(text.title);
  return `${calendar.toString()}\r\n`;
}
