// What the middleware adds to each request, for the type checker (Node.js never loads
// this file: it holds types only).

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id (X-Request-Id), set first thing for every request and upgrade. */
    id?: string;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    /** The request body as bytes (empty without a body); see middleware/body.ts. */
    rawBody: Buffer;
  }
}

export {};
