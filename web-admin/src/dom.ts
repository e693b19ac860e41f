// A tiny element builder and formatting for the console's views.

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: any) => void;
export type Props = Record<string, string | number | boolean | Handler | null | undefined>;

// Properties set as DOM properties rather than attributes.
const asProperty = new Set(["value", "checked", "disabled", "selected", "hidden", "required", "readOnly", "multiple"]);

/** h builds an element: h("button", {class: "btn", onclick: f}, "Save"). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === null || v === undefined || v === false) {
      if (asProperty.has(k)) (el as any)[k] = false;
      continue;
    }
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as Handler);
    } else if (asProperty.has(k)) {
      (el as any)[k] = v;
    } else if (k === "class") {
      el.className = String(v);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

/** append adds children (nested arrays flattened, empty values skipped). */
export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** replace swaps an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let idCounter = 0;
/** uid returns a document-unique id for label/aria wiring. */
export function uid(prefix = "id"): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

/** time renders an RFC 3339 time as a <time> element ("—" when absent). */
export function time(iso: string | null | undefined, short = false): Node {
  if (!iso) return document.createTextNode("—");
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return document.createTextNode(iso);
  return h("time", { datetime: iso, title: d.toISOString() }, short ? timeOnly.format(d) : dateTime.format(d));
}

/** num formats a number with up to digits fraction digits ("—" for null). */
export function num(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined) return "—";
  return v.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** hostOf returns host[:port] of a URL, or the URL itself. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
