import { inject } from '@angular/core';
import { ResolveFn } from '@angular/router';
import { ChatStore } from './chat-store';

/** The tab title of a conversation: the room's name (once the room list is there). */
export const roomTitle: ResolveFn<string> = async (route) => {
  const store = inject(ChatStore);
  await store.whenRoomsLoaded();
  const room = store.room(route.paramMap.get('roomId') ?? '');
  return room ? `${room.name} · Parley` : 'Chats · Parley';
};
