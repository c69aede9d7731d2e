/**
 * The errors a caller may see. Each carries the HTTP status it has without JSONP and the text of
 * `error_msg`; the seed's own texts (`Not Found`, `Forbidden`, `Not Authorized`) are used where they fit.
 * Anything else thrown is an internal fault and is answered without its details.
 */
export class WebimError extends Error {
  override name = "WebimError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class BadRequest extends WebimError {
  constructor(message: string) {
    super(400, message);
  }
}

export class NotAuthorized extends WebimError {
  constructor() {
    super(401, "Not Authorized");
  }
}

export class Forbidden extends WebimError {
  constructor() {
    super(403, "Forbidden");
  }
}

export class NotFound extends WebimError {
  constructor() {
    super(404, "Not Found");
  }
}

export class TooLarge extends WebimError {
  constructor(message: string) {
    super(413, message);
  }
}

export class TooManyRequests extends WebimError {
  constructor() {
    super(429, "Too Many Requests");
  }
}

/** A CORS call from an origin the site has not registered. */
export class OriginRefused extends WebimError {
  constructor() {
    super(403, "Forbidden");
  }
}
