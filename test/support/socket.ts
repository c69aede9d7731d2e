/** A WebSocket client for the tests: frames arrive in a queue the test awaits, with a deadline. */
import WebSocket from "ws";

export class Socket {
  private readonly frames: string[] = [];
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.frames.push(data.toString());
      this.waiting?.();
    });
    ws.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static open(url: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(new Socket(ws)));
      ws.once("error", reject);
    });
  }

  send(frame: string): void {
    this.ws.send(frame);
  }

  /** The next frame as JSON, or undefined when none came within `ms`. */
  async next(ms = 3_000): Promise<Record<string, unknown> | undefined> {
    const deadline = Date.now() + ms;
    while (this.frames.length === 0 && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
    }
    const frame = this.frames.shift();
    return frame === undefined ? undefined : (JSON.parse(frame) as Record<string, unknown>);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }
}
