import { Routes } from '@angular/router';
import { RoomPage } from './room-page/room-page';
import { roomTitle } from './room-title';

/** Under `r/`: one conversation per room id. */
export const chatRoutes: Routes = [
  { path: ':roomId', title: roomTitle, component: RoomPage },
  { path: '', pathMatch: 'full', redirectTo: '/' },
];
