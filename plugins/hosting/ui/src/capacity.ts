/** A server's fill: accounts placed against its maximum ("12 / 100", 12 %); unlimited shows the count alone. */
export function capacity(count: number | undefined, max: number | null | undefined): { text: string; percent: number | null; full: boolean } {
  const used = count ?? 0;
  if (max === null || max === undefined) return { text: String(used), percent: null, full: false };
  const percent = max > 0 ? Math.min(100, Math.round((used / max) * 100)) : 100;
  return { text: `${used} / ${max}`, percent, full: used >= max };
}
