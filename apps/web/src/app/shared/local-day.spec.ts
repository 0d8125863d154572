import { counted, dayStart, dayValue } from './local-day';

describe('local days for date inputs', () => {
  it('writes and reads days in the browser\u2019s zone', () => {
    const d = new Date(2026, 9, 25, 23, 30);
    expect(dayValue(d)).toBe('2026-10-25');
    expect(dayStart('2026-10-25')).toEqual(new Date(2026, 9, 25));
    expect(dayStart('2026-10-25', 1)).toEqual(new Date(2026, 9, 26));
    expect(dayStart('25/10/2026')).toBeNull();
  });

  it('counts', () => {
    expect(counted(1, 'room', 'rooms')).toBe('1 room');
    expect(counted(0, 'room', 'rooms')).toBe('0 rooms');
  });
});
