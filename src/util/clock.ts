/** Milliseconds on a clock that never jumps (wall-clock changes do not move it), epoch-based. */
export const monotonicClock = (): number => performance.timeOrigin + performance.now();
