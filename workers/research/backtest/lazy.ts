/**
 * Makes `target[key]` a value computed on first read, then kept as a plain data property. The property is
 * own and enumerable, so spreading, JSON and structured cloning (postMessage, Comlink) read it like any
 * other; assigning it replaces the computation. For parts of a result many callers never read: a sweep
 * cell needs a run's metrics, not its 100,000 fill objects.
 */
export function lazyProperty<T extends object, K extends keyof T>(
  target: T,
  key: K,
  compute: () => T[K],
): void {
  const settle = (value: T[K]) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      settle(value);
      return value;
    },
    set(value: T[K]) {
      settle(value);
    },
  });
}
