/**
 * The gesture that opens the chart's price menu: a right-click (contextmenu) with a mouse, or a long
 * press (about 500 ms, cancelled when the finger moves) on a touch screen. Android also sends a
 * contextmenu after a long press: one gesture opens the menu once.
 */

export interface PriceMenuGesture {
  /** Called with the viewport point where the menu should open. */
  open(clientX: number, clientY: number): void;
  longPressMs?: number;
  /** A finger moving farther than this (px) is a scroll or a drag, not a press. */
  slopPx?: number;
}

export function attachPriceMenu(el: HTMLElement, g: PriceMenuGesture): () => void {
  const longPressMs = g.longPressMs ?? 500;
  const slop = g.slopPx ?? 10;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let start: { x: number; y: number; id: number } | null = null;
  let openedAt = -Infinity;

  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    start = null;
  };

  const onContextMenu = (e: MouseEvent) => {
    e.preventDefault();
    // The long press already opened it (or is about to): one gesture, one menu.
    if (performance.now() - openedAt < 1000) return;
    cancel();
    openedAt = performance.now();
    g.open(e.clientX, e.clientY);
  };

  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType !== 'touch' || !e.isPrimary) return;
    cancel();
    start = { x: e.clientX, y: e.clientY, id: e.pointerId };
    const at = start;
    timer = setTimeout(() => {
      timer = null;
      start = null;
      openedAt = performance.now();
      g.open(at.x, at.y);
    }, longPressMs);
  };

  const onPointerMove = (e: PointerEvent) => {
    if (!start || e.pointerId !== start.id) return;
    if (Math.hypot(e.clientX - start.x, e.clientY - start.y) > slop) cancel();
  };

  el.addEventListener('contextmenu', onContextMenu);
  el.addEventListener('pointerdown', onPointerDown);
  el.addEventListener('pointermove', onPointerMove);
  el.addEventListener('pointerup', cancel);
  el.addEventListener('pointercancel', cancel);
  el.addEventListener('pointerleave', cancel);
  return () => {
    cancel();
    el.removeEventListener('contextmenu', onContextMenu);
    el.removeEventListener('pointerdown', onPointerDown);
    el.removeEventListener('pointermove', onPointerMove);
    el.removeEventListener('pointerup', cancel);
    el.removeEventListener('pointercancel', cancel);
    el.removeEventListener('pointerleave', cancel);
  };
}
