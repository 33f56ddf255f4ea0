import { logLevel, type logCreator } from 'kafkajs';
import { type Logger } from 'pino';

/**
 * Routes kafkajs's own logging (JSON on stdout by default) to pino, at warn and above: below
 * that it narrates every request. kafkajs logs routine rebalances ("The group is rebalancing")
 * as connection errors, so its errors are warnings here; real failures surface as rejected
 * calls, which we log ourselves.
 */
export const KAFKAJS_LOG_LEVEL = logLevel.WARN;

export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...details } = log;
      const method = level <= logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';
      kafkaLogger[method]({ namespace, ...details }, message);
    };
}
