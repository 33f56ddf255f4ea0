import type http from 'node:http';

/** A JSON answer on a plain Node response (the /graphql path runs without Express). */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * A request the API could not take, in GraphQL's error shape so every client parses it the same
 * way: a 4xx is the client's fault and says why (413: the body is too large); anything else is a
 * masked 500 (the caller logs the cause).
 */
export function sendRequestFailure(res: http.ServerResponse, status: number, detail: string): void {
  const clientFault = status >= 400 && status < 500;
  const message = !clientFault ? 'Internal error.' : status === 413 ? 'Request body too large.' : `Bad request: ${detail}`;
  const code = clientFault ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
  sendJson(res, clientFault ? status : 500, { errors: [{ message, extensions: { code } }] });
}
