import { CronExpressionParser } from 'cron-parser';

/** The first tick of `cron` strictly after `after`. Throws on a bad pattern (caught at schedule time). */
export function nextTick(cron: string, after: Date, timezone = 'UTC'): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: timezone }).next().toDate();
}
