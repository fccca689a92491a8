import { pino, type Logger } from 'pino';
import type { Config } from './config/config.ts';

export type { Logger };

export function createLogger(config: Pick<Config, 'logLevel' | 'nodeEnv'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'mpanel' },
    redact: { paths: ['req.headers.authorization', '*.password', '*.secretKey', '*.token'], censor: '[redacted]' },
  });
}
