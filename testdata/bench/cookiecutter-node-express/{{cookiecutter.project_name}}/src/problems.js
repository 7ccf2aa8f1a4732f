import { STATUS_CODES } from 'node:http';

// RFC 9457 problem details: the one error shape of the API.

// Reason phrases as RFC 9110 names them (Node still uses some older names).
const TITLES = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status) {
  return TITLES[status] ?? STATUS_CODES[status] ?? 'Error';
}

/** An error that becomes a problem response with its status, detail and extra members. */
export class HttpProblem extends Error {
  constructor(status, detail, { errors, headers } = {}) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.headers = headers;
  }
}

/** The request path without the query string: the problem's `instance`. */
export function requestPath(req) {
  const url = req.originalUrl ?? req.url ?? '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

/** The problem document for a request, as a plain object. */
export function problemBody(req, status, detail, errors) {
  const body = {
    type: 'about:blank',
    title: statusTitle(status),
    status,
    detail,
    instance: requestPath(req),
    request_id: req.id,
  };
  if (errors) body.errors = errors;
  return body;
}

export function sendProblem(req, res, status, detail, { errors, headers } = {}) {
  if (headers) {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  }
  res.status(status);
  res.statusMessage = statusTitle(status); // the status line says what the title says
  res.type('application/problem+json');
  res.send(JSON.stringify(problemBody(req, status, detail, errors)));
}

/** The fallback route: any path no route serves. */
export function notFound(req, res) {
  sendProblem(req, res, 404, `No resource at ${requestPath(req)}.`);
}

/** A handler for a known path with a method it does not serve. */
export function methodNotAllowed(allow) {
  const allowHeader = allow.join(', ');
  return (req, res) => {
    sendProblem(req, res, 405, `${req.method} is not allowed here; use ${allowHeader}.`, {
      headers: { Allow: allowHeader },
    });
  };
}

// Errors raised by Express and its body reader carry `type` or `status`; map the expected
// ones and hide everything else behind a 500 with no internals.
function fromError(err, settings) {
  if (err instanceof HttpProblem) return err;
  if (err?.type === 'entity.too.large') {
    return new HttpProblem(
      413,
      `The request body is larger than ${settings.bodyLimitBytes} bytes.`,
    );
  }
  if (err?.type === 'encoding.unsupported') {
    return new HttpProblem(415, 'Compressed request bodies are not supported.');
  }
  const status = err?.status ?? err?.statusCode;
  if (Number.isInteger(status) && status >= 400 && status < 500 && err.expose !== false) {
    return new HttpProblem(status, 'The request could not be processed.');
  }
  return undefined;
}

/** The error handler: the last middleware of the app. */
export function errorHandler({ logger, settings }) {
  // Express recognises an error handler by its four parameters.
  return (err, req, res, _next) => {
    const problem = fromError(err, settings);
    if (res.headersSent) {
      logger.error({ err, request_id: req.id }, 'error after the response started');
      res.destroy();
      return;
    }
    if (problem) {
      sendProblem(req, res, problem.status, problem.detail, problem);
      return;
    }
    logger.error({ err, request_id: req.id }, 'unexpected error');
    sendProblem(req, res, 500, 'An unexpected error occurred.');
  };
}
