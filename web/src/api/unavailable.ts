// Endpoints that the server does not have yet (the backend grows during the beta).
//
// A 404 with `NOT_FOUND` on a collection path, a 405 or a 501 means "this server does not
// offer this endpoint": screens show a friendly "준비 중" state instead of an error.

import { ApiError } from './http';

/** Thrown by clients when the endpoint is absent on this server. */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
  readonly apiError: ApiError | undefined;
  constructor(readonly endpoint: string, apiError?: ApiError) {
    super(`endpoint not available: ${endpoint}`);
    this.apiError = apiError;
  }
}

/** Is this error "the server has no such endpoint"? */
export function isMissingEndpoint(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501);
}

export function isUnavailable(err: unknown): err is UnavailableError {
  return err instanceof UnavailableError;
}

/** Run `fn`; when the endpoint is missing, throw `UnavailableError` instead. */
export async function orUnavailable<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isMissingEndpoint(e)) throw new UnavailableError(endpoint, e);
    throw e;
  }
}
