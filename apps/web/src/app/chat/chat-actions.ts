import { Dialog } from '@angular/cdk/dialog';
import { Overlay } from '@angular/cdk/overlay';
import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { RoomSummary } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { ChatStore } from './chat-store';

/**
 * The chat's dialogs, opened from the sidebar, the home page and the room header. Each is loaded when first
 * needed; a room they return is shown at once (the server's room:joined event confirms it moments later).
 */
@Injectable({ providedIn: 'root' })
export class ChatActions {
  private readonly dialog = inject(Dialog);
  private readonly router = inject(Router);
  private readonly store = inject(ChatStore);
  private readonly overlay = inject(Overlay);

  async newMessage(): Promise<void> {
    const { NewDirectDialog } = await import('./dialogs/new-direct-dialog');
    this.show(await firstValueFrom(this.dialog.open<RoomSummary>(NewDirectDialog).closed));
  }

  async newRoom(): Promise<void> {
    const { CreateRoomDialog } = await import('./dialogs/create-room-dialog');
    this.show(await firstValueFrom(this.dialog.open<RoomSummary>(CreateRoomDialog).closed));
  }

  async browseRooms(): Promise<void> {
    const { PublicRoomsDialog } = await import('./dialogs/public-rooms-dialog');
    this.show(await firstValueFrom(this.dialog.open<RoomSummary>(PublicRoomsDialog).closed));
  }

  async roomSettings(roomId: string): Promise<void> {
    const { RoomSettingsDialog } = await import('./dialogs/room-settings-dialog');
    const result = await firstValueFrom(this.dialog.open<unknown>(RoomSettingsDialog, { data: { roomId } }).closed);
    if (result === 'left') await this.router.navigate(['/']);
  }

  /** The room's Files panel: what was shared, newest first. */
  async roomFiles(roomId: string): Promise<void> {
    const { FilesPanel } = await import('./files/files-panel/files-panel');
    const room = this.store.room(roomId);
    if (!room) return;
    this.dialog.open(FilesPanel, {
      data: { roomId, roomName: room.name },
      // A sheet along the right edge, the conversation still in view beside it.
      positionStrategy: this.overlay.position().global().top('0').right('0'),
      maxWidth: '100vw',
    });
  }

  private show(room: RoomSummary | undefined): void {
    if (!room) return;
    this.store.upsertRoom(room);
    void this.router.navigate(['/r', room.id]);
  }
}
