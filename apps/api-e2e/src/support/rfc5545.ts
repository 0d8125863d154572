/**
 * The RFC 5545 rules a calendar client relies on, checked on the raw text (ical.js reads leniently, so a file it
 * parses may still break Outlook or Apple Calendar). Returns every problem found, each saying where; an empty
 * list means the file keeps these rules:
 * - lines end in CRLF and are folded at 75 octets (3.1), continuation lines start with one space or tab;
 * - components nest properly, and the stream is one VCALENDAR (3.4, 3.6);
 * - VCALENDAR has exactly one VERSION:2.0 and one PRODID (3.7.3, 3.7.4) and at least one component;
 * - VEVENT has exactly one UID and one DTSTAMP (a UTC time) and one DTSTART (3.6.1), not both DTEND and
 *   DURATION, at most one of each once-only property (CLASS, CREATED, DESCRIPTION, DTSTART, GEO, LAST-MODIFIED,
 *   LOCATION, ORGANIZER, PRIORITY, SEQUENCE, STATUS, SUMMARY, TRANSP, URL, RECURRENCE-ID, DTEND, DURATION);
 *   STATUS is TENTATIVE, CONFIRMED or CANCELLED; a date-only DTSTART has a date-only DTEND;
 * - every TZID parameter names a VTIMEZONE of the file (3.2.19), and each VTIMEZONE has a TZID and at least
 *   one STANDARD or DAYLIGHT with DTSTART, TZOFFSETFROM and TZOFFSETTO (3.6.5);
 * - a VEVENT with a RECURRENCE-ID shares its UID with a VEVENT that has an RRULE (3.8.4.4).
 */
export function rfc5545Problems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\r\n')) problems.push('the file does not end with CRLF');
  const physical = text.split('\r\n');
  if (physical[physical.length - 1] === '') physical.pop();
  physical.forEach((line, i) => {
    if (line.includes('\n') || line.includes('\r')) problems.push(`line ${i + 1}: a bare LF or CR`);
    if (Buffer.byteLength(line, 'utf8') > 75) problems.push(`line ${i + 1}: ${Buffer.byteLength(line, 'utf8')} octets, more than 75 (not folded)`);
  });
  // Unfold (3.1): CRLF followed by one space or tab joins lines.
  const lines: string[] = [];
  for (const line of physical) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length) lines[lines.length - 1] += line.slice(1);
    else lines.push(line);
  }

  interface Node {
    name: string;
    props: { name: string; params: Record<string, string>; value: string }[];
    children: Node[];
    line: number;
  }
  const root: Node = { name: '', props: [], children: [], line: 0 };
  const stack: Node[] = [root];
  lines.forEach((line, i) => {
    const m = /^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (!m) {
      problems.push(`line ${i + 1}: not a "NAME;PARAMS:VALUE" content line: ${line.slice(0, 40)}`);
      return;
    }
    const name = m[1]!.toUpperCase();
    const value = m[3]!;
    const params: Record<string, string> = {};
    for (const p of m[2]!.split(';').slice(1)) {
      const [k, ...v] = p.split('=');
      params[k!.toUpperCase()] = v.join('=').replace(/^"|"$/g, '');
    }
    const top = stack[stack.length - 1]!;
    if (name === 'BEGIN') {
      const node: Node = { name: value.toUpperCase(), props: [], children: [], line: i + 1 };
      top.children.push(node);
      stack.push(node);
    } else if (name === 'END') {
      if (top.name !== value.toUpperCase()) problems.push(`line ${i + 1}: END:${value} closes ${top.name || 'nothing'}`);
      else stack.pop();
    } else if (top === root) problems.push(`line ${i + 1}: a property outside any component`);
    else top.props.push({ name, params, value });
  });
  if (stack.length !== 1) problems.push(`${stack[stack.length - 1]!.name} is never closed`);
  if (root.children.length !== 1 || root.children[0]!.name !== 'VCALENDAR') return [...problems, 'the stream is not one VCALENDAR'];

  const cal = root.children[0]!;
  const count = (n: Node, prop: string) => n.props.filter((p) => p.name === prop).length;
  const first = (n: Node, prop: string) => n.props.find((p) => p.name === prop);
  if (count(cal, 'VERSION') !== 1 || first(cal, 'VERSION')?.value !== '2.0') problems.push('VCALENDAR needs exactly one VERSION:2.0');
  if (count(cal, 'PRODID') !== 1) problems.push('VCALENDAR needs exactly one PRODID');
  if (!cal.children.length) problems.push('VCALENDAR holds no component');

  const zones = new Set<string>();
  for (const tz of cal.children.filter((c) => c.name === 'VTIMEZONE')) {
    const id = first(tz, 'TZID')?.value;
    if (!id) problems.push(`VTIMEZONE at line ${tz.line} has no TZID`);
    else zones.add(id);
    const rules = tz.children.filter((c) => c.name === 'STANDARD' || c.name === 'DAYLIGHT');
    if (!rules.length) problems.push(`VTIMEZONE ${id} has no STANDARD or DAYLIGHT`);
    for (const r of rules) for (const p of ['DTSTART', 'TZOFFSETFROM', 'TZOFFSETTO']) if (count(r, p) !== 1) problems.push(`VTIMEZONE ${id} ${r.name} at line ${r.line} needs one ${p}`);
  }

  const once = ['CLASS', 'CREATED', 'DESCRIPTION', 'DTSTART', 'GEO', 'LAST-MODIFIED', 'LOCATION', 'ORGANIZER', 'PRIORITY', 'SEQUENCE', 'STATUS', 'SUMMARY', 'TRANSP', 'URL', 'RECURRENCE-ID', 'DTEND', 'DURATION'];
  const events = cal.children.filter((c) => c.name === 'VEVENT');
  const recurring = new Set(events.filter((e) => count(e, 'RRULE')).map((e) => first(e, 'UID')?.value));
  for (const e of events) {
    const where = `VEVENT at line ${e.line}`;
    if (count(e, 'UID') !== 1) problems.push(`${where} needs exactly one UID`);
    if (count(e, 'DTSTAMP') !== 1 || !/^\d{8}T\d{6}Z$/.test(first(e, 'DTSTAMP')?.value ?? '')) problems.push(`${where} needs exactly one DTSTAMP in UTC`);
    if (count(e, 'DTSTART') !== 1) problems.push(`${where} needs one DTSTART`);
    if (count(e, 'DTEND') && count(e, 'DURATION')) problems.push(`${where} has both DTEND and DURATION`);
    for (const p of once) if (count(e, p) > 1) problems.push(`${where} has ${p} more than once`);
    const status = first(e, 'STATUS')?.value;
    if (status && !['TENTATIVE', 'CONFIRMED', 'CANCELLED'].includes(status)) problems.push(`${where} has STATUS:${status}`);
    const start = first(e, 'DTSTART');
    const end = first(e, 'DTEND');
    if (start && end && (start.params['VALUE'] === 'DATE') !== (end.params['VALUE'] === 'DATE')) problems.push(`${where}: DTSTART and DTEND are not both dates`);
    if (count(e, 'RECURRENCE-ID') && !recurring.has(first(e, 'UID')?.value)) problems.push(`${where}: a RECURRENCE-ID without a recurring VEVENT of its UID`);
  }
  const walk = (n: Node) => {
    for (const p of n.props) if (p.params['TZID'] && !zones.has(p.params['TZID'])) problems.push(`${n.name} ${p.name} names TZID ${p.params['TZID']}, which has no VTIMEZONE`);
    n.children.forEach(walk);
  };
  walk(cal);
  return problems;
}
