import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachPriceMenu } from './price-menu';

function pointer(type: string, x: number, y: number, pointerType = 'touch'): Event {
  return Object.assign(new Event(type), {
    pointerType,
    isPrimary: true,
    pointerId: 1,
    clientX: x,
    clientY: y,
  });
}

function contextMenu(x: number, y: number): Event {
  return Object.assign(new Event('contextmenu', { cancelable: true }), { clientX: x, clientY: y });
}

describe('attachPriceMenu', () => {
  let el: EventTarget;
  let opened: Array<[number, number]>;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    el = new EventTarget();
    opened = [];
    attachPriceMenu(el as HTMLElement, { open: (x, y) => opened.push([x, y]) });
  });
  afterEach(() => vi.useRealTimers());

  it('opens at a right-click and keeps the browser menu away', () => {
    const e = contextMenu(40, 50);
    el.dispatchEvent(e);
    expect(opened).toEqual([[40, 50]]);
    expect(e.defaultPrevented).toBe(true);
  });

  it('opens after a still long press, at the press point', () => {
    el.dispatchEvent(pointer('pointerdown', 10, 20));
    el.dispatchEvent(pointer('pointermove', 13, 22));
    vi.advanceTimersByTime(499);
    expect(opened).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(opened).toEqual([[10, 20]]);
    // Android's contextmenu after the same long press opens nothing more.
    el.dispatchEvent(contextMenu(10, 20));
    expect(opened).toHaveLength(1);
  });

  it('a finger that moves (a scroll) or lifts early opens nothing; a mouse press is no long press', () => {
    el.dispatchEvent(pointer('pointerdown', 10, 20));
    el.dispatchEvent(pointer('pointermove', 10, 45));
    vi.advanceTimersByTime(1000);
    el.dispatchEvent(pointer('pointerdown', 10, 20));
    vi.advanceTimersByTime(300);
    el.dispatchEvent(pointer('pointerup', 10, 20));
    vi.advanceTimersByTime(1000);
    el.dispatchEvent(pointer('pointerdown', 10, 20, 'mouse'));
    vi.advanceTimersByTime(1000);
    expect(opened).toEqual([]);
  });
});
