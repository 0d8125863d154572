import { Pipe, PipeTransform } from '@angular/core';
import { LocalTimeStyle, localTime } from './local-time';

/** `{{ message.createdAt | localTime: 'time' }}`: see localTime(). */
@Pipe({ name: 'localTime' })
export class LocalTimePipe implements PipeTransform {
  transform(value: string | Date | null | undefined, style: LocalTimeStyle): string {
    return localTime(value, style);
  }
}
