import 'reflect-metadata';
import { IsInt, IsString, validate } from 'class-validator';
import './validation-metadata-cache';

class Base {
  @IsString({ message: 'name must be text' })
  name!: unknown;
}

class Child extends Base {
  @IsInt({ message: 'size must be a whole number' })
  size!: unknown;

  @IsInt({ groups: ['strict'], message: 'level must be a whole number' })
  level!: unknown;
}

const messages = async (object: object, groups?: string[]) =>
  (await validate(object, { groups, strictGroups: true })).flatMap((e) => Object.values(e.constraints ?? {})).sort();

describe('kept validation rules', () => {
  it('still apply a class\u2019s inherited rules, on every call, and keep groups apart', async () => {
    const child = Object.assign(new Child(), { name: 1, size: 'big', level: 'high' });
    for (let i = 0; i < 3; i++) {
      expect(await messages(child)).toEqual(['name must be text', 'size must be a whole number']);
      expect(await messages(child, ['strict'])).toEqual(['level must be a whole number']);
    }
    expect(await messages(Object.assign(new Child(), { name: 'ok', size: 2, level: 3 }), ['strict'])).toEqual([]);
    // The parent alone is not given the child's rules.
    expect(await messages(Object.assign(new Base(), { name: 'ok' }))).toEqual([]);
  });
});
