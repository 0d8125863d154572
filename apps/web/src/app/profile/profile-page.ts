import { ChangeDetectionStrategy, Component } from '@angular/core';
import { AccessTokensSection } from './access-tokens-section';
import { PasswordForm } from './password-form';
import { ProfileForm } from './profile-form';
import { SessionsSection } from './sessions-section';

/** Your account: profile, password, access tokens and sessions. */
@Component({
  selector: 'app-profile-page',
  imports: [ProfileForm, PasswordForm, AccessTokensSection, SessionsSection],
  templateUrl: './profile-page.html',
  styleUrl: './profile-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfilePage {}
