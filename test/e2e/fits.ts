/**
 * Whether a page fits its window, checked inside the page: nothing wider than the window, and
 * every control in view without scrolling sideways.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * Controls cut off at the side: by the window, or by a box that clips or scrolls its content
 * (a card whose table scrolls). The page's width alone misses those, since the box is narrow
 * enough; its button is not in view. Controls kept off-screen on purpose (the skip link, left
 * of the window until focused) and visually hidden ones (1 pixel) are no controls to reach.
 */
function clippedControls(): string[] {
  const clipped: string[] = [];
  const controls = document.querySelectorAll<HTMLElement>('button, input, select, textarea, a');
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0) continue;
    let left = 0;
    let right = document.documentElement.clientWidth;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX === 'visible') continue;
      const inner = p.getBoundingClientRect().left + p.clientLeft;
      left = Math.max(left, inner);
      right = Math.min(right, inner + p.clientWidth);
    }
    if (box.left < left - 0.5 || box.right > right + 0.5) {
      const name = el.dataset.testid ?? el.getAttribute('aria-label') ?? el.textContent?.trim();
      clipped.push(
        `${el.tagName.toLowerCase()} ${name}: ${box.left}..${box.right} of ${left}..${right}`,
      );
    }
  }
  return clipped;
}

/**
 * The page fits the window: nothing wider than it, wide tables scroll inside their box, and
 * every control is in view without scrolling sideways.
 */
export async function expectFits(page: Page, width: number): Promise<void> {
  const scroll = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect(scroll, `page width at a ${width}-pixel window`).toBeLessThanOrEqual(width);
  expect(await page.evaluate(clippedControls), `controls cut off at ${width} pixels`).toEqual([]);
}
