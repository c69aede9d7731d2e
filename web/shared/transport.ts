/**
 * How calls reach the API: `fetch` with CORS (form-encoded POSTs are "simple" requests, so no
 * preflight), or JSONP (`<script>` GETs with a `callback`) for sites and browsers where CORS is
 * not available. Both answer the same values; errors become an ApiError either way.
 */
export type Params = Record<string, string | number | undefined>;
export type TransportKind = "cors" | "jsonp";

export class ApiError extends Error {
  constructor(
    message: string,
    /** True when the service could not be reached at all (no answer, not an error answer). */
    readonly network: boolean,
    readonly status = 0,
  ) {
    super(message);
  }
}

export interface Transport {
  readonly kind: TransportKind;
  /** `url` is absolute (an endpoint or `connection.server`). */
  get(url: string, params: Params, timeoutMs?: number): Promise<unknown>;
  post(url: string, params: Params, timeoutMs?: number): Promise<unknown>;
}

const DEFAULT_TIMEOUT_MS = 15_000;

function clean(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (value !== undefined) out[name] = String(value);
  return out;
}

/** `{success: false, error_msg}` is an error whatever the transport; anything else is the value. */
function unwrap(value: unknown, status: number): unknown {
  if (value !== null && typeof value === "object" && (value as { success?: unknown }).success === false) {
    const text = (value as { error_msg?: unknown }).error_msg;
    throw new ApiError(typeof text === "string" ? text : "Error", false, status);
  }
  return value;
}

function parse(text: string): unknown {
  if (text === "ok") return "ok";
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("The service answered something that is not JSON", false);
  }
}

export class CorsTransport implements Transport {
  readonly kind = "cors";

  async get(url: string, params: Params, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<unknown> {
    return this.request(`${url}?${new URLSearchParams(clean(params))}`, { method: "GET" }, timeoutMs);
  }

  async post(url: string, params: Params, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<unknown> {
    // application/x-www-form-urlencoded keeps the request "simple": no preflight round trip.
    return this.request(url, { method: "POST", body: new URLSearchParams(clean(params)) }, timeoutMs);
  }

  private async request(url: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, signal: controller.signal, credentials: "omit", cache: "no-store" });
      text = await response.text();
    } catch {
      throw new ApiError("The chat service cannot be reached", true);
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500 && !text.startsWith("{")) throw new ApiError(`The chat service failed (${response.status})`, true);
    return unwrap(parse(text), response.status);
  }
}

let jsonpCounter = 0;

export class JsonpTransport implements Transport {
  readonly kind = "jsonp";

  get(url: string, params: Params, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const name = `__webim_jsonp_${Date.now().toString(36)}_${jsonpCounter++}`;
      const globals = window as unknown as Record<string, unknown>;
      const script = document.createElement("script");
      let done = false;
      const finish = () => {
        done = true;
        clearTimeout(timer);
        script.remove();
        // Left defined as a no-op so that a late answer after a timeout does not throw.
        globals[name] = () => {};
      };
      const fail = () => {
        if (done) return;
        finish();
        reject(new ApiError("The chat service cannot be reached", true));
      };
      const timer = setTimeout(fail, timeoutMs);
      globals[name] = (value: unknown) => {
        if (done) return;
        finish();
        try {
          resolve(unwrap(value, 200));
        } catch (error) {
          reject(error);
        }
      };
      script.async = true;
      script.src = `${url}?${new URLSearchParams({ ...clean(params), callback: name })}`;
      script.onerror = fail;
      // A script that loaded but called nothing (an HTML error page, a proxy) fails too.
      script.onload = () => setTimeout(fail, 0);
      document.head.appendChild(script);
    });
  }

  /** JSONP has no POST: the legacy client sends every call as a GET, and so does this one. */
  post(url: string, params: Params, timeoutMs?: number): Promise<unknown> {
    return this.get(url, params, timeoutMs);
  }
}

export function createTransport(kind: TransportKind): Transport {
  return kind === "jsonp" ? new JsonpTransport() : new CorsTransport();
}
