// Shared pieces of the console's views: notices, error boxes, dialogs and busy buttons.

import { html, nothing, type TemplateResult } from "lit-html";
import { append, h, uid, type Child } from "./dom";
import { GraphQLError, NetworkError, type GraphQLErrorItem } from "./gql";

// ---- notices --------------------------------------------------------------------------------

let noticeRegion: HTMLElement | null = null;
const maxNotices = 4;

/** mountNotices attaches the live region that toasts are announced in. */
export function mountNotices(region: HTMLElement): void {
  noticeRegion = region;
}

/** notify shows a short message that fades out (errors stay until dismissed). */
export function notify(message: Child, kind: "ok" | "error" | "info" = "ok"): void {
  if (!noticeRegion) return;
  const close = h("button", { class: "icon-btn", type: "button", "aria-label": "Dismiss" }, "×");
  const el = h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, h("div", { class: "notice-body" }, message), close);
  close.addEventListener("click", () => el.remove());
  noticeRegion.appendChild(el);
  while (noticeRegion.children.length > maxNotices) noticeRegion.firstElementChild?.remove();
  if (kind !== "error") window.setTimeout(() => el.remove(), 5000);
}

/** notifyError shows an error with its code. */
export function notifyError(what: string, e: unknown): void {
  notify(errorContent(e, what), "error");
}

// ---- errors ---------------------------------------------------------------------------------

const codeHints: Record<string, string> = {
  NOT_FOUND: "It no longer exists, or this key may not see it.",
  INVALID: "Check the values you entered.",
  CONFLICT: "It clashes with the current state.",
  FORBIDDEN: "This API key's scope does not allow it.",
  UNAVAILABLE: "A backend or feature is unavailable right now.",
  UNAUTHENTICATED: "The API key is unknown or revoked; sign in with a valid one.",
  INTERNAL: "The server failed; details are in its log.",
  NETWORK: "The balancer could not be reached.",
};

function errorItems(e: unknown): GraphQLErrorItem[] {
  if (e instanceof GraphQLError) return e.errors;
  if (e instanceof NetworkError) return [{ message: e.message, extensions: { code: "NETWORK" } }];
  return [{ message: e instanceof Error ? e.message : String(e), extensions: { code: "ERROR" } }];
}

/** errorContent renders each error as "CODE message" with a hint for the first code. */
export function errorContent(e: unknown, what?: string): Node {
  const items = errorItems(e);
  const first = items[0]?.extensions?.code ?? "ERROR";
  return h(
    "div",
    { class: "error-content" },
    what ? h("strong", null, what, " failed") : null,
    h(
      "ul",
      { class: "error-list" },
      items.map((it) =>
        h(
          "li",
          null,
          h("code", { class: "error-code" }, it.extensions?.code ?? "ERROR"),
          " ",
          it.message,
          it.path?.length ? h("span", { class: "muted" }, ` (at ${it.path.join(".")})`) : null,
        ),
      ),
    ),
    codeHints[first] ? h("p", { class: "muted small" }, codeHints[first]) : null,
  );
}

/** errorBox is an inline alert for a failed load. */
export function errorBox(e: unknown, what?: string, retry?: () => void): HTMLElement {
  return h(
    "div",
    { class: "alert", role: "alert" },
    errorContent(e, what),
    retry ? h("button", { class: "btn", type: "button", onclick: retry }, "Retry") : null,
  );
}

// ---- buttons --------------------------------------------------------------------------------

export interface ButtonOptions {
  kind?: "primary" | "danger" | "ghost" | "default";
  label?: string; // aria-label when the text is not enough
  title?: string;
  small?: boolean;
  disabled?: boolean;
}

function buttonClass(opts: ButtonOptions): string {
  const cls = ["btn"];
  if (opts.kind && opts.kind !== "default") cls.push(`btn-${opts.kind}`);
  if (opts.small) cls.push("btn-small");
  return cls.join(" ");
}

/** whileBusy runs action with b disabled and aria-busy; a click while busy is ignored. */
async function whileBusy(b: HTMLButtonElement, action: () => Promise<unknown> | unknown, opts: ButtonOptions): Promise<void> {
  if (b.getAttribute("aria-busy") === "true") return;
  b.setAttribute("aria-busy", "true");
  b.disabled = true;
  try {
    await action();
  } finally {
    b.removeAttribute("aria-busy");
    b.disabled = !!opts.disabled;
  }
}

/** button runs action on click and is disabled (aria-busy) while its promise runs. */
export function button(text: Child, action: () => Promise<unknown> | unknown, opts: ButtonOptions = {}): HTMLButtonElement {
  const b = h("button", { class: buttonClass(opts), type: "button", "aria-label": opts.label, title: opts.title, disabled: opts.disabled }, text);
  b.addEventListener("click", () => whileBusy(b, action, opts));
  return b;
}

/**
 * actionButton is button for lit-html templates: the element is kept across renders, so a
 * focused button stays focused while live updates redraw the page.
 */
export function actionButton(text: string, action: () => Promise<unknown> | unknown, opts: ButtonOptions = {}): TemplateResult {
  return html`<button type="button" class=${buttonClass(opts)} aria-label=${opts.label ?? nothing} title=${opts.title ?? nothing} ?disabled=${opts.disabled}
    @click=${(ev: Event) => whileBusy(ev.currentTarget as HTMLButtonElement, action, opts)}>${text}</button>`;
}

/** badge is a short coloured label. */
export function badge(text: string, tone: "ok" | "warn" | "bad" | "muted" | "info" = "muted"): HTMLElement {
  return h("span", { class: `badge badge-${tone}` }, text);
}

// ---- dialogs --------------------------------------------------------------------------------

function openDialog(dialog: HTMLDialogElement, onClose: () => void): void {
  const returnFocus = document.activeElement as HTMLElement | null;
  document.body.appendChild(dialog);
  dialog.addEventListener("close", () => {
    dialog.remove();
    onClose();
    returnFocus?.focus?.();
  });
  dialog.showModal();
}

export interface ConfirmOptions {
  title: string;
  body: Child;
  confirm: string;
  danger?: boolean;
  /** requireText makes the user type this text before confirming. */
  requireText?: string;
}

/** confirmDialog asks a yes/no question; resolves true when confirmed. */
export function confirmDialog(o: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let result = false;
    const titleId = uid("dlg-title");
    const ok = h("button", { class: `btn ${o.danger ? "btn-danger" : "btn-primary"}`, type: "submit" }, o.confirm);
    const cancel = h("button", { class: "btn", type: "button", value: "cancel" }, "Cancel");
    let typed: HTMLInputElement | null = null;
    if (o.requireText) {
      typed = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "aria-describedby": `${titleId}-hint` });
      ok.disabled = true;
      typed.addEventListener("input", () => (ok.disabled = typed!.value.trim() !== o.requireText));
    }
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", { id: titleId }, o.title),
      h("div", { class: "dialog-body" }, o.body),
      typed
        ? h("label", { class: "field" }, h("span", { id: `${titleId}-hint` }, "Type ", h("code", null, o.requireText!), " to confirm"), typed)
        : null,
      h("div", { class: "dialog-actions" }, cancel, ok),
    );
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId }, form);
    form.addEventListener("submit", (ev) => {
      if (typed && typed.value.trim() !== o.requireText) {
        ev.preventDefault();
        return;
      }
      result = true;
    });
    cancel.addEventListener("click", () => dialog.close());
    openDialog(dialog, () => resolve(result));
    (typed ?? cancel).focus();
  });
}

export interface Field {
  name: string;
  label: string;
  type?: "text" | "password" | "number" | "checkbox" | "select" | "textarea" | "url";
  value?: string | boolean;
  required?: boolean;
  placeholder?: string;
  help?: string;
  options?: { value: string; label: string }[];
  step?: string;
  min?: string;
  autocomplete?: string;
  rows?: number;
}

export type FormValues = Record<string, string | boolean>;

export interface FormOptions {
  title: string;
  intro?: Child;
  fields: Field[];
  submit: string;
  danger?: boolean;
  /** onSubmit runs the change; an error keeps the dialog open and is shown in it. */
  onSubmit: (v: FormValues) => Promise<void>;
}

/** fieldControl builds a labelled input for f; read its value with readField. */
export function fieldControl(f: Field): { el: HTMLElement; input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement } {
  const id = uid("f");
  const helpId = f.help ? `${id}-help` : undefined;
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  if (f.type === "select") {
    input = h("select", { id, name: f.name, required: f.required, "aria-describedby": helpId }, (f.options ?? []).map((o) => h("option", { value: o.value, selected: o.value === f.value }, o.label)));
  } else if (f.type === "textarea") {
    input = h("textarea", { id, name: f.name, required: f.required, rows: f.rows ?? 4, placeholder: f.placeholder, "aria-describedby": helpId, spellcheck: "false" });
    input.value = String(f.value ?? "");
  } else {
    input = h("input", {
      id,
      name: f.name,
      type: f.type ?? "text",
      required: f.required,
      placeholder: f.placeholder,
      step: f.step,
      min: f.min,
      autocomplete: f.autocomplete ?? "off",
      spellcheck: "false",
      "aria-describedby": helpId,
    });
    if (f.type === "checkbox") (input as HTMLInputElement).checked = f.value === true;
    else input.value = String(f.value ?? "");
  }
  const help = f.help ? h("small", { id: helpId, class: "muted" }, f.help) : null;
  const el =
    f.type === "checkbox"
      ? h("div", { class: "field field-check" }, input, h("label", { for: id }, f.label), help)
      : h("div", { class: "field" }, h("label", { for: id }, f.label, f.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null), input, help);
  return { el, input };
}

function readField(input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): string | boolean {
  if (input instanceof HTMLInputElement && input.type === "checkbox") return input.checked;
  return input.value;
}

/** formDialog asks for values and runs onSubmit; resolves true when it succeeded. */
export function formDialog(o: FormOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const titleId = uid("dlg-title");
    const controls = o.fields.map((f) => ({ f, ...fieldControl(f) }));
    const errorSlot = h("div", { class: "dialog-error" });
    const ok = h("button", { class: `btn ${o.danger ? "btn-danger" : "btn-primary"}`, type: "submit" }, o.submit);
    const cancel = h("button", { class: "btn", type: "button" }, "Cancel");
    const form = h(
      "form",
      { novalidate: false },
      h("h2", { id: titleId }, o.title),
      o.intro ? h("div", { class: "dialog-body" }, o.intro) : null,
      controls.map((c) => c.el),
      errorSlot,
      h("div", { class: "dialog-actions" }, cancel, ok),
    );
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId }, form);
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const values: FormValues = {};
      for (const c of controls) values[c.f.name] = readField(c.input);
      ok.disabled = true;
      ok.setAttribute("aria-busy", "true");
      errorSlot.replaceChildren();
      try {
        await o.onSubmit(values);
        done = true;
        dialog.close();
      } catch (e) {
        append(errorSlot, [h("div", { class: "alert", role: "alert" }, errorContent(e))]);
      } finally {
        ok.disabled = false;
        ok.removeAttribute("aria-busy");
      }
    });
    openDialog(dialog, () => resolve(done));
    controls[0]?.input.focus();
  });
}

/** showDialog shows content with a single close button (e.g. a created API key). */
export function showDialog(title: string, content: Child, closeLabel = "Close"): Promise<void> {
  return new Promise((resolve) => {
    const titleId = uid("dlg-title");
    const close = h("button", { class: "btn btn-primary", type: "submit" }, closeLabel);
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId }, h("form", { method: "dialog" }, h("h2", { id: titleId }, title), h("div", { class: "dialog-body" }, content), h("div", { class: "dialog-actions" }, close)));
    openDialog(dialog, () => resolve());
    close.focus();
  });
}

/** copyButton copies text to the clipboard. */
export function copyButton(text: string, label = "Copy"): HTMLButtonElement {
  return button(label, async () => {
    try {
      await navigator.clipboard.writeText(text);
      notify("Copied to the clipboard.");
    } catch {
      notify("Copying was refused by the browser; select the text and copy it by hand.", "info");
    }
  });
}
