/** The current time, injectable so tests can move it (invite expiry). */
export type Clock = () => Date;

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = () => new Date();
