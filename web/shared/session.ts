/**
 * One browser tab's life with the service: `online`, then packets through the WebSocket when the
 * service offers one, else through the long poll; a new `online` when the ticket ends; retries
 * with backoff while the service cannot be reached. The widget and the console both run on it.
 */
import type { OnlineAnswer, Packets } from "./protocol.js";
import { ApiError, type Params, type Transport } from "./transport.js";

export type SessionState = "connecting" | "online" | "unreachable" | "failed";

export interface SessionOptions {
  /** The API's base URL, ending with `/`: endpoints are `<api>webim/<name>`. */
  api: string;
  transport: Transport;
  /** Tried once when the first `online` cannot reach the service through `transport` (CORS refused or blocked). */
  fallback?: Transport;
  /** The parameters of each `online` (read anew every time, so a saved visitor token is used). */
  onlineParams: () => Params;
  onOnline: (answer: OnlineAnswer, session: Session) => void | Promise<void>;
  onPackets: (packets: Packets) => void;
  onState: (state: SessionState, error?: ApiError) => void;
  /** An error answer to `online`; return true to try again at once (e.g. after dropping a stale token). */
  onOnlineError?: (error: ApiError) => boolean;
  /** Off for tests and for pages that want the long poll only. */
  websocket?: boolean;
}

const POLL_TIMEOUT_MS = 40_000;
/** A WebSocket says `ping` this often: the service keeps the ticket and the user's presence alive by it, as by polls. */
const PING_MS = 30_000;
const REPOLL_MS = 50;
const MAX_BACKOFF_MS = 30_000;
/** Consecutive failed polls before the tab says it is cut off (the legacy client gives up after two). */
const FAILURES_BEFORE_UNREACHABLE = 2;

const NOT_AUTHORIZED = "Not Authorized";

export class Session {
  transport: Transport;
  answer: OnlineAnswer | undefined;
  /** Server time minus this browser's clock, from `online`. */
  clockOffset = 0;
  state: SessionState = "connecting";
  /** How packets arrive now. */
  channel: "poll" | "websocket" | "none" = "none";

  /** The id of the newest packet received: `since` when resuming after a lost answer or a closed socket. */
  private lastId: string | undefined;
  private resume = false;
  private generation = 0;
  private failures = 0;
  private wake: (() => void) | undefined;
  private socket: WebSocket | undefined;

  constructor(private readonly options: SessionOptions) {
    this.transport = options.transport;
  }

  get ticket(): string | undefined {
    return this.answer?.connection.ticket;
  }

  get domain(): string | undefined {
    return this.answer?.connection.domain;
  }

  now(): number {
    return Date.now() + this.clockOffset;
  }

  endpoint(name: string): string {
    return `${this.options.api}webim/${name}`;
  }

  start(): void {
    void this.connect(++this.generation);
  }

  /** Ends the receive loop; the ticket stays valid (use `leave` to end it). */
  stop(): void {
    this.generation++;
    this.closeSocket();
    this.wake?.();
  }

  /** Retry now, skipping the backoff wait. */
  retry(): void {
    if (this.wake) this.wake();
    else if (this.state !== "online") this.start();
  }

  /** The page is going away: end the ticket without waiting for an answer. */
  leave(): void {
    const ticket = this.ticket;
    this.stop();
    this.answer = undefined;
    if (ticket === undefined) return;
    const params = new URLSearchParams({ ticket });
    // With JSONP the page's origin may have no CORS grant; a `callback` makes the call a JSONP one,
    // which the service takes from any page (nobody reads the answer of a beacon anyway).
    const url = this.transport.kind === "jsonp" ? `${this.endpoint("refresh")}?callback=webimBeacon` : this.endpoint("refresh");
    if (typeof navigator.sendBeacon === "function" && navigator.sendBeacon(url, params)) return;
    this.transport.post(this.endpoint("refresh"), { ticket }).catch(() => {});
  }

  /** An endpoint called with this tab's ticket and domain; a dead ticket starts a new `online`. */
  async call<T = unknown>(name: string, params: Params, method: "get" | "post" = "post"): Promise<T> {
    const ticket = this.ticket;
    if (ticket === undefined) throw new ApiError("Not connected", true);
    try {
      return (await this.transport[method](this.endpoint(name), { ...params, ticket, domain: this.domain })) as T;
    } catch (error) {
      if (error instanceof ApiError && error.message === NOT_AUTHORIZED && ticket === this.ticket) this.start();
      throw error;
    }
  }

  private deliver(packets: Packets): void {
    for (const list of [packets.messages, packets.presences, packets.statuses]) {
      for (const packet of list ?? []) {
        const id = (packet as { id?: unknown }).id;
        if (typeof id === "string" && (this.lastId === undefined || id > this.lastId)) this.lastId = id;
      }
    }
    this.options.onPackets(packets);
  }

  private setState(state: SessionState, error?: ApiError): void {
    if (state === this.state && error === undefined) return;
    this.state = state;
    this.options.onState(state, error);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    }).then(() => {
      this.wake = undefined;
    });
  }

  private backoff(): number {
    return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures, 5));
  }

  private async online(): Promise<OnlineAnswer> {
    const params = this.options.onlineParams();
    try {
      return (await this.transport.post(this.endpoint("online"), params)) as OnlineAnswer;
    } catch (error) {
      const fallback = this.options.fallback;
      if (!(error instanceof ApiError && error.network) || !fallback || fallback === this.transport) throw error;
      const answer = (await fallback.post(this.endpoint("online"), params)) as OnlineAnswer;
      this.transport = fallback;
      return answer;
    }
  }

  private async connect(generation: number): Promise<void> {
    this.closeSocket();
    this.channel = "none";
    if (this.state !== "unreachable") this.setState("connecting");
    for (;;) {
      if (generation !== this.generation) return;
      try {
        const answer = await this.online();
        if (generation !== this.generation) return;
        this.answer = answer;
        this.lastId = undefined;
        this.resume = false;
        this.clockOffset = answer.server_time - Date.now();
        this.failures = 0;
        await this.options.onOnline(answer, this);
        if (generation !== this.generation) return;
        this.setState("online");
        this.receive(generation);
        return;
      } catch (error) {
        if (generation !== this.generation) return;
        const failure = error instanceof ApiError ? error : new ApiError(String(error), false);
        if (!failure.network) {
          if (this.options.onOnlineError?.(failure)) continue;
          this.setState("failed", failure);
          return;
        }
        this.failures++;
        this.setState("unreachable", failure);
        await this.sleep(this.backoff());
      }
    }
  }

  private receive(generation: number): void {
    const url = this.answer?.connection.websocket;
    if (url && this.options.websocket !== false && typeof WebSocket === "function") this.openSocket(url, generation);
    else void this.pollLoop(generation);
  }

  private openSocket(url: string, generation: number): void {
    const answer = this.answer;
    if (!answer) return;
    let opened = false;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      void this.pollLoop(generation);
      return;
    }
    this.socket = socket;
    let pinger: ReturnType<typeof setInterval> | undefined;
    socket.onopen = () => {
      opened = true;
      this.channel = "websocket";
      const since = this.resume && this.lastId ? ` ${this.lastId}` : "";
      socket.send(`subscribe ${answer.connection.domain} ${answer.connection.ticket}${since}`);
      this.resume = false;
      pinger = setInterval(() => socket.send("ping"), PING_MS);
    };
    socket.onmessage = (event) => {
      if (generation !== this.generation || typeof event.data !== "string") return;
      let packets: Packets | { success: false; error_msg?: string };
      try {
        packets = JSON.parse(event.data) as Packets | { success: false; error_msg?: string };
      } catch {
        return;
      }
      if ("success" in packets) {
        // An error frame: an ended or unknown ticket means a new `online`; anything else, the poll.
        if (packets.error_msg === NOT_AUTHORIZED) this.start();
        else socket.close();
        return;
      }
      if (packets.status === "stopped") {
        this.start();
        return;
      }
      this.deliver(packets);
    };
    socket.onclose = () => {
      clearInterval(pinger);
      if (this.socket === socket) this.socket = undefined;
      if (generation !== this.generation) return;
      this.resume = true;
      // The long poll takes over from the ticket's own place in the inbox: nothing is lost or repeated.
      void this.pollLoop(generation, opened ? 0 : REPOLL_MS);
    };
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onmessage = null;
      // Its own onclose stops the ping; the generation has moved on, so nothing else follows.
      socket.close();
    }
  }

  private async pollLoop(generation: number, delay = 0): Promise<void> {
    if (delay > 0) await this.sleep(delay);
    this.channel = "poll";
    while (generation === this.generation) {
      const answer = this.answer;
      if (!answer) return;
      try {
        // After a lost answer (or a closed socket) the poll says where to resume; else the ticket's own place holds.
        const since = this.resume ? this.lastId : undefined;
        const packets = (await this.transport.get(
          answer.connection.server,
          { domain: answer.connection.domain, ticket: answer.connection.ticket, since },
          POLL_TIMEOUT_MS,
        )) as Packets;
        if (generation !== this.generation) return;
        this.failures = 0;
        this.resume = false;
        if (packets.status === "stopped") {
          this.start();
          return;
        }
        this.setState("online");
        this.deliver(packets);
        await this.sleep(REPOLL_MS);
      } catch (error) {
        if (generation !== this.generation) return;
        if (error instanceof ApiError && !error.network) {
          // An ended or expired ticket: come online again with a new one.
          this.start();
          return;
        }
        this.failures++;
        this.resume = true;
        if (this.failures >= FAILURES_BEFORE_UNREACHABLE) this.setState("unreachable", error as ApiError);
        await this.sleep(this.backoff());
      }
    }
  }
}
