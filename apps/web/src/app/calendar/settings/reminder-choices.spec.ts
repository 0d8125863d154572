import { reminderFromOption, reminderLabel, reminderOptions } from './reminder-choices';

describe('reminder choices', () => {
  it('says each lead in words', () => {
    expect([null, 0, 1, 15, 60, 90, 120, 1440, 2880].map(reminderLabel)).toEqual([
      'No reminder',
      'At the start',
      '1 minute before',
      '15 minutes before',
      '1 hour before',
      '90 minutes before',
      '2 hours before',
      '1 day before',
      '2 days before',
    ]);
  });

  it('offers the usual choices in order, keeping one set elsewhere', () => {
    expect(reminderOptions(15).map((o) => o.value)).toEqual(['none', '0', '5', '10', '15', '30', '60', '120', '1440']);
    expect(reminderOptions(45).map((o) => o.value)).toEqual(['none', '0', '5', '10', '15', '30', '45', '60', '120', '1440']);
    expect(reminderFromOption('none')).toBeNull();
    expect(reminderFromOption('30')).toBe(30);
  });
});
