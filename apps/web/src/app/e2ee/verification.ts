import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import type { Qr, Sas, VerificationMethod, VerificationRequest } from '@matrix-org/matrix-sdk-crypto-wasm';
import { e2eeUserId } from '@parley/contracts';
import type { CryptoWasm } from './crypto-wasm';
import { E2ee, InboxEvent } from './e2ee';
import { qrDataUrl } from './qr/qr-image';

/** Where a verification stands, as the dialog shows it. */
export type VerificationStep =
  /** I asked; the other device has not answered yet. */
  | 'waiting'
  /** The other device asks me: accept or decline. */
  | 'incoming'
  /** Both devices are ready: show my QR code, scan theirs, or compare emoji. */
  | 'choose'
  /** Accepted: the devices exchange keys for the emoji. */
  | 'starting'
  /** The other device scanned my code: does it say so? */
  | 'scanned'
  /** I scanned the other device's code: waiting for it to confirm. */
  | 'reciprocated'
  /** Both show the same seven emoji when no one is in between: compare them. */
  | 'compare'
  /** I said they match; waiting for the other side to say so too. */
  | 'confirmed'
  | 'done'
  | 'cancelled';

export interface VerificationView {
  flowId: string;
  /** Parley's id of the other person (mine when verifying one of my own devices). */
  otherUserId: string;
  otherDeviceId: string | null;
  self: boolean;
  step: VerificationStep;
  emoji: { symbol: string; description: string }[];
  /** My QR code for the other device to scan (a PNG data URL), when it can scan. */
  qr: string | null;
  /** The other device shows a code this one can scan. */
  canScan: boolean;
  cancelReason: string | null;
}

/** The methods Parley offers and accepts: emoji, and QR codes both ways. */
const methods = (wasm: CryptoWasm): VerificationMethod[] => [
  wasm.VerificationMethod.SasV1,
  wasm.VerificationMethod.QrCodeScanV1,
  wasm.VerificationMethod.QrCodeShowV1,
  wasm.VerificationMethod.ReciprocateV1,
];

const fromMatrixUser = (id: string) => id.replace(/^@|:parley$/g, '');

/**
 * Interactive verification of devices by comparing emoji (SAS, `m.sas.v1`) over to-device messages, run by
 * the crypto library. When both people say the emoji match, the library signs what it verified: my own other
 * device with my self-signing key, another person's identity with my user-signing key (cross-signing then
 * trusts their other devices).
 */
@Injectable({ providedIn: 'root' })
export class Verification {
  private readonly e2ee = inject(E2ee);
  private readonly viewSignal = signal<VerificationView | null>(null);
  private readonly doneCount = signal(0);
  private request: VerificationRequest | null = null;
  private sas: Sas | null = null;
  private qr: Qr | null = null;
  private qrImage: string | null = null;
  private makingQr = false;

  /** The verification in progress (or just ended), for the dialog. */
  readonly view = this.viewSignal.asReadonly();
  /** Goes up each time a verification completes (device lists re-read their trust). */
  readonly completed = this.doneCount.asReadonly();

  constructor() {
    this.e2ee.onInbox((events) => this.received(events));
    effect(() => {
      if (this.e2ee.status() === 'off') untracked(() => this.clear());
    });
  }

  /** Asks one device (mine or another person's) to verify with me by emoji. */
  async verifyDevice(userId: string, deviceId: string): Promise<void> {
    const { wasm, machine } = await this.e2ee.session();
    // (Arrays of ids passed to the library are consumed: each call gets ids of its own.)
    await machine.updateTrackedUsers([new wasm.UserId(e2eeUserId(userId))]);
    await this.e2ee.flush().catch(() => undefined);
    const device = await machine.getDevice(new wasm.UserId(e2eeUserId(userId)), new wasm.DeviceId(deviceId));
    if (!device) throw new Error('That device has no encryption keys yet.');
    const previous = this.request && !this.request.isDone() && !this.request.isCancelled() ? this.request.cancel() : undefined;
    if (previous) await this.e2ee.send(previous);
    const [request, toDevice] = device.requestVerification(methods(wasm));
    await this.e2ee.send(toDevice);
    this.follow(request);
  }

  /** Accepts the request shown as incoming. */
  async accept(): Promise<void> {
    const { wasm } = await this.e2ee.session();
    const out = this.request?.acceptWithMethods(methods(wasm));
    if (out) await this.e2ee.send(out);
    await this.update();
  }

  /** Verifies by comparing emoji instead of a QR code. */
  async compareEmoji(): Promise<void> {
    const request = this.request;
    if (!request || this.sas) return;
    const started = await request.startSas();
    if (started) {
      await this.e2ee.send(started[1]);
      this.watchSas(started[0]);
    }
    await this.update();
  }

  /**
   * The bytes of the other device's QR code, read from its screen (by the camera or a picture of it): the
   * library checks them against the keys it knows; then the other device is told, and confirms.
   */
  async scanned(bytes: Uint8Array): Promise<void> {
    const request = this.request;
    const session = this.e2ee.current();
    if (!request || !session) return;
    let qr: Qr;
    try {
      qr = await request.scanQrCode(session.wasm.QrCodeScan.fromBytes(new Uint8ClampedArray(bytes)));
    } catch {
      throw new Error('That code is not this verification’s: scan the code the other device shows now.');
    }
    const out = qr.reciprocate();
    if (out) await this.e2ee.send(out);
    this.watchQr(qr);
    await this.update();
  }

  /** The other device says it scanned my code: the library signs what it verified. */
  async confirmScanned(): Promise<void> {
    const out = this.qr?.confirmScanning();
    if (out) await this.e2ee.send(out);
    await this.e2ee.flush();
    await this.update();
  }

  /** The emoji match on both screens: the library signs the verified keys. */
  async confirm(): Promise<void> {
    const sas = this.sas;
    if (!sas) return;
    for (const out of await sas.confirm()) await this.e2ee.send(out);
    await this.e2ee.flush();
    await this.update();
  }

  /** The emoji differ: someone may be in between. Cancels, telling the other device why. */
  async mismatch(): Promise<void> {
    const out = this.sas ? this.sas.cancelWithCode('m.mismatched_sas') : this.qr?.cancelWithCode('m.user');
    if (out) await this.e2ee.send(out);
    await this.update();
  }

  /** Declines or stops the verification. */
  async cancel(): Promise<void> {
    const out = this.request?.cancel();
    if (out) await this.e2ee.send(out);
    await this.update();
  }

  /** Closes the dialog once the verification ended. */
  dismiss(): void {
    if (this.request && !this.request.isDone() && !this.request.isCancelled()) this.request.cancel();
    this.clear();
  }

  // ---- internals ----

  private received(events: InboxEvent[]): void {
    const session = this.e2ee.current();
    if (!session) return;
    for (const event of events) {
      if (event.type !== 'm.key.verification.request') continue;
      const flowId = event.content['transaction_id'];
      if (typeof flowId !== 'string') continue;
      const request = session.machine.getVerificationRequest(new session.wasm.UserId(event.sender), flowId);
      if (!request || request.isCancelled() || request.isDone()) continue;
      // One at a time: a second request while one runs is declined by the library's timeout, not shown.
      if (this.request && !this.request.isDone() && !this.request.isCancelled()) continue;
      this.follow(request);
    }
  }

  private follow(request: VerificationRequest): void {
    this.request = request;
    this.sas = null;
    this.qr = null;
    this.qrImage = null;
    this.makingQr = false;
    request.registerChangesCallback(() => this.update());
    void this.update();
  }

  private async update(): Promise<void> {
    const request = this.request;
    const session = this.e2ee.current();
    if (!request || !session) return;
    const { wasm } = session;
    const phase = request.phase();
    // Ready: my code for the other device to scan, when it can (made once; the library keeps it as the flow's).
    if (phase === wasm.VerificationRequestPhase.Ready && !this.qr && !this.makingQr && !this.sas) {
      this.makingQr = true;
      const qr = await request.generateQrCode().catch(() => undefined);
      if (qr) {
        this.qrImage = qrDataUrl(qr.toQrCode().renderIntoBuffer());
        this.watchQr(qr);
      }
    }
    const verification = request.getVerification();
    if (verification instanceof wasm.Sas && this.sas !== verification) this.watchSas(verification);
    if (verification instanceof wasm.Qr && this.qr !== verification) this.watchQr(verification);
    const sas = this.sas;
    if (sas && !sas.weStarted() && !sas.hasBeenAccepted() && !sas.isCancelled()) {
      const out = sas.accept();
      if (out) await this.e2ee.send(out);
    }
    const qr = this.qr;
    let step: VerificationStep;
    let emoji: VerificationView['emoji'] = [];
    const cancelled = request.isCancelled() || sas?.isCancelled() || qr?.isCancelled();
    if (cancelled) step = 'cancelled';
    else if (request.isDone() || sas?.isDone() || qr?.isDone()) step = 'done';
    else if (sas?.emoji()) {
      emoji = (sas.emoji() ?? []).map((e) => ({ symbol: e.symbol, description: e.description }));
      step = sas.haveWeConfirmed() ? 'confirmed' : 'compare';
    } else if (sas) step = 'starting';
    else if (qr?.reciprocated()) step = 'reciprocated';
    else if (qr?.hasBeenScanned()) step = qr.hasBeenConfirmed() ? 'confirmed' : 'scanned';
    // My code is shown (the request moved on to it): still the moment to choose how to verify.
    else if (qr) step = 'choose';
    else if (phase === wasm.VerificationRequestPhase.Requested) step = request.weStarted() ? 'waiting' : 'incoming';
    else if (phase === wasm.VerificationRequestPhase.Created) step = 'waiting';
    else if (phase === wasm.VerificationRequestPhase.Ready) step = 'choose';
    else step = 'starting';
    const info = request.cancelInfo ?? sas?.cancelInfo() ?? qr?.cancelInfo();
    const previous = this.viewSignal();
    this.viewSignal.set({
      flowId: request.flowId,
      otherUserId: fromMatrixUser(request.otherUserId.toString()),
      // The library forgets the other device once the request is done: the dialog still names it.
      otherDeviceId: request.otherDeviceId?.toString() ?? (previous?.flowId === request.flowId ? previous.otherDeviceId : null),
      self: request.isSelfVerification(),
      step,
      emoji,
      qr: step === 'choose' ? this.qrImage : null,
      canScan: step === 'choose' && this.theyShow(request, wasm),
      cancelReason: cancelled ? (info ? describeCancel(info.cancelCode(), info.cancelledbyUs()) : 'The verification was cancelled.') : null,
    });
    if (step === 'done' && previous?.step !== 'done') {
      // One of my own devices verified: ask my devices for the secrets this one lacks (the backup key above all).
      if (request.isSelfVerification()) await session.machine.requestMissingSecretsIfNeeded();
      await this.e2ee.flush();
      this.doneCount.update((n) => n + 1);
      this.e2ee.announceTrustChanged();
    }
  }

  private watchSas(sas: Sas): void {
    this.sas = sas;
    sas.registerChangesCallback(() => this.update());
  }

  private watchQr(qr: Qr): void {
    this.qr = qr;
    qr.registerChangesCallback(() => this.update());
  }

  /** Whether the other device offered to show a code (so this one can scan it). */
  private theyShow(request: VerificationRequest, wasm: CryptoWasm): boolean {
    return (request.theirSupportedMethods ?? []).includes(wasm.VerificationMethod.QrCodeShowV1) && (request.ourSupportedMethods ?? []).includes(wasm.VerificationMethod.QrCodeScanV1);
  }

  private clear(): void {
    this.request = null;
    this.sas = null;
    this.qr = null;
    this.qrImage = null;
    this.makingQr = false;
    this.viewSignal.set(null);
  }
}

/** A person-readable reason for a cancelled verification. */
export function describeCancel(code: string, byUs: boolean): string {
  switch (code) {
    case 'm.mismatched_sas':
      return 'The emoji did not match, so nothing was verified. Someone may be between the devices: try again, and if they still differ, do not trust the device.';
    case 'm.timeout':
      return 'The verification took too long and was stopped.';
    case 'm.user':
      return byUs ? 'You cancelled the verification.' : 'The other device cancelled the verification.';
    case 'm.accepted':
      return 'Another of your devices answered this request.';
    default:
      return `The verification stopped (${code}).`;
  }
}
