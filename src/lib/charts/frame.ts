/** Coalesces any number of schedule() calls into one run per animation frame. */
export interface FrameScheduler {
  schedule(): void;
  /** Runs now if a run is pending (and cancels the frame). */
  flush(): void;
  cancel(): void;
  readonly pending: boolean;
}

type Raf = (cb: (t: number) => void) => number;
type Caf = (id: number) => void;

export function frameScheduler(run: () => void, raf?: Raf, caf?: Caf): FrameScheduler {
  const request: Raf =
    raf ??
    (typeof requestAnimationFrame === 'function'
      ? (cb) => requestAnimationFrame(cb)
      : (cb) => setTimeout(() => cb(Date.now()), 16) as unknown as number);
  const cancelFrame: Caf =
    caf ??
    (typeof cancelAnimationFrame === 'function'
      ? (id) => cancelAnimationFrame(id)
      : (id) => clearTimeout(id as unknown as ReturnType<typeof setTimeout>));
  let id: number | null = null;
  const tick = () => {
    id = null;
    run();
  };
  return {
    schedule() {
      if (id === null) id = request(tick);
    },
    flush() {
      if (id === null) return;
      cancelFrame(id);
      tick();
    },
    cancel() {
      if (id !== null) cancelFrame(id);
      id = null;
    },
    get pending() {
      return id !== null;
    },
  };
}
