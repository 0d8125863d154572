import { FileInfo, Message } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { badFiles, startTestS3, TestS3 } from './support/api-testing';
import { createRoom } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, Signed, signUp } from './support/factories';
import { eventually, multipartUpload, uploadFile } from './support/files';

describe.each<DatabaseKind>(['sqlite', 'postgres'])('deleting files while the S3 store is down, on %s', (kind) => {
  let s3: TestS3;
  let server: RunningServer;
  let url: string;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startTestS3();
    // 0.0005 h = 1.8 s: the sweep (uploads never sent, and bytes whose deletion failed) runs every second.
    server = await startOn(kind, { env: { ...s3.env(), FILE_UPLOAD_TTL_HOURS: '0.0005' } });
    url = server.url;
    const o = s3.storeOptions();
    client = new S3Client({ endpoint: o.endpoint!, region: o.region, forcePathStyle: true, credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } });
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await server?.dispose();
    await s3?.stop();
  });

  /** The bucket's objects of these files (their bytes, tus' records, thumbnails). */
  const objectsOf = async (ids: string[]) =>
    ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key!).filter((k) => ids.some((id) => k.includes(id)));

  const send = async (who: Signed, roomId: string, fileId: string) =>
    (await asUser(url, who).post(`/api/rooms/${roomId}/messages`).send({ clientMsgId: randomUUID(), body: 'have a look', attachmentIds: [fileId] }).expect(201)).body as Message;

  it('answers every deletion, hides the files at once, and deletes their bytes once the store is back', async () => {
    const ada = await signUp(url);
    const bob = await signUp(url);
    const room = await createRoom(url, ada, [bob]);
    const photo = ((await multipartUpload(url, ada, room.id, 'view.png', await badFiles.picture('png', 640, 480)).expect(201)).body as FileInfo).id;
    const withPhoto = await send(ada, room.id, photo);
    const notes = (await uploadFile(url, ada, room.id, 'notes.txt', Buffer.from('minutes\n'))).id;
    await send(ada, room.id, notes);
    const forgotten = (await uploadFile(url, ada, room.id, 'never-sent.txt', Buffer.from('draft\n'))).id;
    const all = [photo, notes, forgotten];
    expect((await objectsOf([photo])).length).toBeGreaterThanOrEqual(2); // the bytes and the thumbnail

    await s3.pause();
    // A deleted message, a deleted file and an upload never sent: the rows go, the bucket cannot be reached.
    await asUser(url, ada).delete(`/api/messages/${withPhoto.id}`).expect(200);
    await asUser(url, bob).get(`/api/files/${photo}`).expect(404);
    await asUser(url, bob).get(`/api/files/${photo}/content`).expect(404);
    await asUser(url, ada).delete(`/api/files/${notes}`).expect(204);
    await asUser(url, bob).get(`/api/files/${notes}/content`).expect(404);
    await eventually(async () => (await asUser(url, ada).get(`/api/files/${forgotten}`)).status === 404, 'the upload never sent is swept');
    for (const id of all) {
      await eventually(async () => server.output().includes(`Could not delete the bytes of deleted file ${id}`), `the failed deletion of ${id} is logged`);
    }
    // The sweep keeps trying while the store is down.
    await eventually(async () => /Could not delete the bytes of \d+ deleted file\(s\)/.test(server.output()), 'the sweep retries and logs its failure');
    expect((await asUser(url, ada).get('/api/files/limits').expect(200)).body.usedBytes).toBe(0);

    await s3.resume();
    await eventually(async () => (await objectsOf(all)).length === 0, 'every object of the deleted files is gone from the bucket', 30_000);
    await asUser(url, bob).get(`/api/files/${photo}/thumbnail`).expect(404);
  });
});
