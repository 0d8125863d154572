import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { Logo } from '../shared/logo';

/** The frame of the signed-out pages: brand, a heading, the form (projected) and a footer line. */
@Component({
  selector: 'app-auth-card',
  imports: [Logo],
  templateUrl: './auth-card.html',
  styleUrl: './auth-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthCard {
  readonly heading = input.required<string>();
  readonly subheading = input<string>('');
}
