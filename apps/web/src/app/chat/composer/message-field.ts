import { ChangeDetectionStrategy, Component, ViewEncapsulation } from '@angular/core';

/**
 * Where the composer's rich-text editor lives. The editor builds its own DOM inside, so the look of the formatted
 * text (the same as a sent message's) is styled here without encapsulation, scoped under `app-message-field`.
 */
@Component({
  selector: 'app-message-field',
  template: '',
  styleUrl: './message-field.css',
  encapsulation: ViewEncapsulation.None,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageField {}
