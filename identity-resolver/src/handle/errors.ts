// Handle protocol response codes (RFC 3652) and the HTTP status the Handle.net REST API pairs
// with each. Every failure of the node is a HandleError so the REST layer can answer uniformly.

export const RC = {
  SUCCESS: 1,
  ERROR: 2,
  HANDLE_NOT_FOUND: 100,
  HANDLE_ALREADY_EXISTS: 101,
  INVALID_HANDLE: 102,
  VALUES_NOT_FOUND: 200,
  VALUE_ALREADY_EXISTS: 201,
  INVALID_VALUE: 202,
  SERVER_NOT_RESP: 301,
  INSUFFICIENT_PERMISSIONS: 400,
  AUTHENTICATION_NEEDED: 402,
} as const;
export type ResponseCode = (typeof RC)[keyof typeof RC];

/** HTTP status paired with each response code by the Handle.net REST API. */
export function httpStatusFor(code: ResponseCode, resolution = false): number {
  switch (code) {
    case RC.SUCCESS: return 200;
    case RC.HANDLE_NOT_FOUND: return 404;
    case RC.HANDLE_ALREADY_EXISTS:
    case RC.VALUE_ALREADY_EXISTS: return 409;
    case RC.INVALID_HANDLE:
    case RC.INVALID_VALUE:
    case RC.SERVER_NOT_RESP: return 400;
    case RC.VALUES_NOT_FOUND: return resolution ? 200 : 400;
    case RC.AUTHENTICATION_NEEDED: return 401;
    case RC.INSUFFICIENT_PERMISSIONS: return 403;
    default: return 500;
  }
}

export interface ItemError {
  /** Position of the item in the request (batch item number or value index). */
  item: number;
  handle?: string;
  reason: string;
}

export class HandleError extends Error {
  constructor(
    readonly responseCode: ResponseCode,
    message: string,
    readonly handle?: string,
    /** Per-item reasons of a rejected batch. */
    readonly errors?: ItemError[],
    /** Overrides the default HTTP status of the response code. */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'HandleError';
  }
}

export const invalidHandle = (message: string, handle?: string) => new HandleError(RC.INVALID_HANDLE, message, handle);
export const invalidValue = (message: string, handle?: string) => new HandleError(RC.INVALID_VALUE, message, handle);
