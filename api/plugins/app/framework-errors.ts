// Errors Fastify and Node answer before any route or error handler runs, as problem+json like every other
// error: a URL Fastify cannot decode or whose parameter is too long (router), and requests Node's HTTP
// parser refuses (headers too large, a malformed request line, a client timeout). None of them echoes the
// URL: it is the part that was too long or malformed, and may carry personal data in a query string.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { Problem } from '../../problem.ts';

const PROBLEM_TYPE = 'application/problem+json';

function routerProblem(error: FastifyError): Problem {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new Problem(414, 'uri-too-long', 'URI too long', 'A path parameter of the URL is too long.');
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return new Problem(400, 'bad-url', 'Bad URL', 'The URL has a component that cannot be decoded.');
  }
  return new Problem(400, 'bad-request', 'Bad request', 'The request cannot be routed.');
}

/** Fastify's `frameworkErrors`: router refusals as problems. */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
) => {
  const problem = routerProblem(error);
  reply.status(problem.status).type(PROBLEM_TYPE).send(problem.body());
};

function clientProblem(error: NodeJS.ErrnoException): Problem {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new Problem(
      431,
      'headers-too-large',
      'Request header fields too large',
      'The request line and headers together exceed the size limit.',
    );
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new Problem(408, 'request-timeout', 'Request timeout', 'The request did not arrive in time.');
  }
  return new Problem(400, 'malformed-request', 'Malformed request', 'The request is not valid HTTP.');
}

/** Fastify's `clientErrorHandler`: what Node's HTTP parser refused, answered on the raw socket. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const problem = clientProblem(error);
    const body = JSON.stringify(problem.body());
    socket.write(
      `HTTP/1.1 ${problem.status} ${http.STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
