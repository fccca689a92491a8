/**
 * A cron schedule as crontab(5) reads it: five fields (minute hour day month weekday) of `*`,
 * numbers in range, lists, ranges and steps, or one of the `@hourly`-style names. The agent
 * writes it into the account's crontab, so anything else is refused before it gets there.
 */
const NAMES = new Set(['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight']);
const RANGES: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

function fieldOk(field: string, [min, max]: [number, number]): boolean {
  return field.split(',').every((part) => {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') return false;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= max)) return false;
    if (range === '*') return true;
    const [a, b, more] = range.split('-');
    if (more !== undefined) return false;
    const ok = (v: string | undefined) => v !== undefined && /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
    return b === undefined ? ok(a) : ok(a) && ok(b) && Number(a) <= Number(b);
  });
}

export function isCronSchedule(text: string): boolean {
  const s = text.trim();
  if (NAMES.has(s)) return true;
  const fields = s.split(/\s+/);
  return fields.length === 5 && fields.every((f, i) => fieldOk(f, RANGES[i]!));
}
