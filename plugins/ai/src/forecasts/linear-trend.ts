/**
 * Ordinary least squares line through (x, y) points, and when it reaches a limit: the server
 * capacity forecast ("days until full at the current pace").
 */

export interface LinearFit { slope: number; intercept: number; points: number; residualSe: number }

export function linearFit(points: Array<{ x: number; y: number }>): LinearFit | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = points.reduce((a, p) => a + (p.y - (intercept + slope * p.x)) ** 2, 0);
  return { slope, intercept, points: n, residualSe: n > 2 ? Math.sqrt(sse / (n - 2)) : 0 };
}

/**
 * Days from `nowX` until the fitted line reaches `limit`: 0 when already at or over it, null when
 * it never will at this pace (flat or shrinking) or there is no limit or no line.
 */
export function daysUntil(fit: LinearFit | null, limit: number | null, nowX: number, current: number): number | null {
  if (limit === null) return null;
  if (current >= limit) return 0;
  if (!fit || fit.slope <= 0) return null;
  const x = (limit - fit.intercept) / fit.slope;
  return Math.max(0, Math.round((x - nowX) * 10) / 10);
}
