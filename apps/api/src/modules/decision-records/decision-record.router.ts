import { isDomainError, type DecisionRecordFormat } from '@gatehouse/domain';
import express from 'express';
import { DOMAIN_TO_PUBLIC, type PublicErrorCode } from '../../graphql/format-error.js';
import type { RequestAuthenticator } from '../../identity/authenticate-request.js';
import { BearerTokenError } from '../../identity/oidc.js';
import { requestLogger } from '../../http/request-log.js';
import type { Logger } from '../../logger.js';
import type { DecisionRecordService } from './decision-record.service.js';
import { renderDecisionRecordHtml } from './decision-record.html.js';

const STATUS: Record<PublicErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  RATE_LIMITED: 429,
};

/** Nothing on the page may load or run anything: it is a document, and a hostile value stays text. */
const HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface DecisionRecordRouterOptions {
  records: DecisionRecordService;
  authenticate: RequestAuthenticator;
  logger: Logger;
}

/**
 * Mounted at /runs: GET /runs/:runId/decision-record.json (a download) and .html (a printable page): the record
 * integrators archive and people hand over. Authenticated like /graphql (API key, bearer token,
 * session cookie) and authorized by the same role-table entry, decisionRecord, in the service.
 * Errors answer in GraphQL's error shape with the same codes.
 */
export function decisionRecordRouter(options: DecisionRecordRouterOptions): express.Router {
  const router = express.Router();
  const serve = (format: Exclude<DecisionRecordFormat, 'graphql'>) => async (req: express.Request, res: express.Response) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    try {
      const principal = await options.authenticate(req.headers);
      if (!principal) return fail(res, 'UNAUTHENTICATED', 'Send a valid API key in the x-api-key header (or Authorization: Bearer <key>), or sign in.');
      const runId = String(req.params.runId);
      const record = await options.records.export(principal, runId, format);
      const file = `decision-record-${record.run.id}`;
      if (format === 'json') {
        res.setHeader('content-disposition', `attachment; filename="${file}.json"`);
        res.type('application/json').send(`${JSON.stringify(record, null, 2)}\n`);
      } else {
        res.setHeader('content-security-policy', HTML_POLICY);
        res.setHeader('content-disposition', `inline; filename="${file}.html"`);
        res.type('text/html; charset=utf-8').send(renderDecisionRecordHtml(record));
      }
    } catch (error) {
      if (error instanceof BearerTokenError) return fail(res, 'UNAUTHENTICATED', error.message);
      if (isDomainError(error)) return fail(res, DOMAIN_TO_PUBLIC[error.code], error.message, error.code);
      requestLogger(req, options.logger).error({ err: error }, 'decision record export failed');
      res.status(500).json({ errors: [{ message: 'Internal error. It has been logged; retrying may help.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  };
  router.get('/:runId/decision-record.json', serve('json'));
  router.get('/:runId/decision-record.html', serve('html'));
  return router;
}

function fail(res: express.Response, code: PublicErrorCode, message: string, reason?: string): void {
  res.status(STATUS[code]).json({ errors: [{ message, extensions: { code, ...(reason ? { reason } : {}) } }] });
}
