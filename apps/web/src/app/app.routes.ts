import { Routes } from '@angular/router';
import { adminGuard, signedInGuard, signedOutGuard, visitorMatch } from './core/auth-guards';

export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in · Parley',
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth/login-page').then((m) => m.LoginPage),
  },
  {
    path: 'register',
    title: 'Create your account · Parley',
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth/register-page').then((m) => m.RegisterPage),
  },
  {
    // What an invite link leads to, before signing in (signed in, the same page opens inside the app below).
    path: 'invite/:code',
    title: 'Join a room · Parley',
    canMatch: [visitorMatch],
    loadComponent: () => import('./chat/invite/invite-page').then((m) => m.InvitePage),
  },
  {
    path: '',
    canActivate: [signedInGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', title: 'Chats · Parley', loadComponent: () => import('./shell/home-page').then((m) => m.HomePage) },
      { path: 'r', loadChildren: () => import('./chat/chat.routes').then((m) => m.chatRoutes) },
      {
        path: 'invite/:code',
        title: 'Join a room · Parley',
        loadComponent: () => import('./chat/invite/invite-page').then((m) => m.InvitePage),
      },
      { path: 'calendar', title: 'Calendar · Parley', loadComponent: () => import('./calendar/calendar-page/calendar-page').then((m) => m.CalendarPage) },
      { path: 'friends', title: 'Friends · Parley', loadComponent: () => import('./friends/friends-page').then((m) => m.FriendsPage) },
      { path: 'profile', title: 'Profile · Parley', loadComponent: () => import('./profile/profile-page').then((m) => m.ProfilePage) },
      {
        path: 'admin',
        title: 'Users · Admin · Parley',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/admin-users-page').then((m) => m.AdminUsersPage),
      },
      {
        path: 'admin/records',
        title: 'Records · Admin · Parley',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/admin-records-page').then((m) => m.AdminRecordsPage),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
