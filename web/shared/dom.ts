/**
 * Building DOM without HTML strings: every text goes through `textContent`, so nothing that comes
 * from the network (bodies, nicks, URLs) is ever parsed as markup.
 */
type Child = Node | string | false | null | undefined;
type Attrs = Record<string, string | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function text(element: Element, value: string): void {
  element.textContent = value;
}

/** Only http(s) links are made clickable; anything else (javascript:, data:) stays plain text. */
export function safeHttpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function clock(timestamp: number): string {
  const date = new Date(timestamp);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/** Calls `send(true)` when typing starts and `send(false)` after `idleMs` without input; at most one "typing" per `repeatMs`. */
export function typingNotifier(send: (typing: boolean) => void, idleMs = 3000, repeatMs = 4000) {
  let lastSent = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    input() {
      const now = Date.now();
      if (now - lastSent > repeatMs) {
        lastSent = now;
        send(true);
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        lastSent = 0;
        send(false);
      }, idleMs);
    },
    /** A message was sent: it ends the typing on the other side by itself. */
    reset() {
      clearTimeout(timer);
      lastSent = 0;
    },
  };
}

/**
 * A message box as both pages have it: Enter sends (Shift+Enter, or an input method composing,
 * makes a new line), and typing tells the other side.
 */
export function wireComposer(form: HTMLFormElement, input: HTMLTextAreaElement, submit: () => void, onTyping: () => void): void {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", () => {
    if (input.value.trim() !== "") onTyping();
  });
}
