import type uPlot from 'uplot';

/**
 * Lets the crosshair follow a finger: horizontal drags move the cursor while vertical swipes still
 * scroll the page (touch-action: pan-y). Returns the cleanup.
 */
export function attachTouchCursor(u: uPlot): () => void {
  const over = u.over;
  over.style.touchAction = 'pan-y';
  const onTouch = (e: TouchEvent) => {
    const t = e.touches[0];
    if (!t) return;
    const r = u.rect;
    u.setCursor({
      left: Math.min(Math.max(t.clientX - r.left, 0), r.width),
      top: Math.min(Math.max(t.clientY - r.top, 0), r.height),
    });
  };
  over.addEventListener('touchstart', onTouch, { passive: true });
  over.addEventListener('touchmove', onTouch, { passive: true });
  return () => {
    over.removeEventListener('touchstart', onTouch);
    over.removeEventListener('touchmove', onTouch);
  };
}
