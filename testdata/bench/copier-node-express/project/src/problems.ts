import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from './logger.ts';
import { DatabaseUnavailable } from './store.ts';

// RFC 9457 problem details: the one error shape of the API.

// Reason phrases as RFC 9110 names them (Node still uses some older names).
const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? STATUS_CODES[status] ?? 'Error';
}

/** One validation error of a 422: where (`in`, `pointer`) and what. */
export interface FieldError {
  in: 'body' | 'query';
  pointer: string;
  message: string;
}

interface ProblemOptions {
  errors?: FieldError[] | undefined;
  headers?: Record<string, string> | undefined;
}

/** An error that becomes a problem response with its status, detail and extra members. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, detail: string, { errors, headers }: ProblemOptions = {}) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.headers = headers;
  }
}

/** What requestPath and problemBody read: an Express request or a plain node:http one. */
interface RequestLike {
  originalUrl?: string;
  url?: string | undefined;
  id?: string;
}

/** The request path without the query string: the problem's `instance`. */
export function requestPath(req: RequestLike): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

export interface ProblemDocument {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string | undefined;
  errors?: FieldError[];
}

/** The problem document for a request, as a plain object. */
export function problemBody(
  req: RequestLike,
  status: number,
  detail: string,
  errors?: FieldError[],
): ProblemDocument {
  const body: ProblemDocument = {
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

export function sendProblem(
  req: Request,
  res: Response,
  status: number,
  detail: string,
  { errors, headers }: ProblemOptions = {},
): void {
  if (headers) {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  }
  res.status(status);
  res.statusMessage = statusTitle(status); // the status line says what the title says
  res.type('application/problem+json');
  res.send(JSON.stringify(problemBody(req, status, detail, errors)));
}

/** The 404 detail: it repeats nothing the client sent (`instance` names the path). */
export const NOT_FOUND_DETAIL = 'No resource at this path.';

/** The fallback route: any path no route serves. */
export const notFound: RequestHandler = (req, res) => {
  sendProblem(req, res, 404, NOT_FOUND_DETAIL);
};

/** A handler for a known path with a method it does not serve. */
export function methodNotAllowed(allow: readonly string[]): RequestHandler {
  const allowHeader = allow.join(', ');
  return (req, res) => {
    sendProblem(req, res, 405, `${req.method} is not allowed here; use ${allowHeader}.`, {
      headers: { Allow: allowHeader },
    });
  };
}

/** The 503 detail of a request that needed the database while it could not answer. */
export const DATABASE_UNAVAILABLE_DETAIL = 'The database is unavailable; try again later.';

/** The fields Express and its body reader put on the errors they raise. */
interface FrameworkError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
}

// Errors raised by Express and its body reader carry `type` or `status`; map the expected
// ones and hide everything else behind a 500 with no internals.
function fromError(err: unknown, bodyLimitBytes: number): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status, statusCode, expose } = err as FrameworkError;
  if (type === 'entity.too.large') {
    return new HttpProblem(413, `The request body is larger than ${bodyLimitBytes} bytes.`);
  }
  if (type === 'encoding.unsupported') {
    return new HttpProblem(415, 'Compressed request bodies are not supported.');
  }
  const code = status ?? statusCode;
  if (typeof code === 'number' && Number.isInteger(code) && code >= 400 && code < 500) {
    if (expose !== false) return new HttpProblem(code, 'The request could not be processed.');
  }
  return undefined;
}

/** The error handler: the last middleware of the app. */
export function errorHandler({
  logger,
  bodyLimitBytes,
}: {
  logger: Logger;
  bodyLimitBytes: number;
}): ErrorRequestHandler {
  // Express recognises an error handler by its four parameters.
  return (err, req, res, _next) => {
    const problem = fromError(err, bodyLimitBytes);
    if (res.headersSent) {
      logger.error({ err, request_id: req.id }, 'error after the response started');
      res.destroy();
      return;
    }
    if (problem) {
      sendProblem(req, res, problem.status, problem.detail, problem);
      return;
    }
    if (err instanceof DatabaseUnavailable) {
      // The driver's text goes to the log, never into the body.
      logger.warn({ err: err.cause, request_id: req.id }, 'database unavailable');
      sendProblem(req, res, 503, DATABASE_UNAVAILABLE_DETAIL);
      return;
    }
    logger.error({ err, request_id: req.id }, 'unexpected error');
    sendProblem(req, res, 500, 'An unexpected error occurred.');
  };
}
