import { ChangeDetectionStrategy, Component } from '@angular/core';
import { AccessTokensSection } from './access-tokens-section';
import { AvatarSection } from './avatar-section';
import { PasswordForm } from './password-form';
import { ProfileForm } from './profile-form';
import { SessionsSection } from './sessions-section';
import { DevicesSection } from '../e2ee/devices-section/devices-section';

/** Your account: profile, picture, password, access tokens and sessions. */
@Component({
  selector: 'app-profile-page',
  imports: [ProfileForm, AvatarSection, PasswordForm, AccessTokensSection, SessionsSection, DevicesSection],
  templateUrl: './profile-page.html',
  styleUrl: './profile-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfilePage {}
