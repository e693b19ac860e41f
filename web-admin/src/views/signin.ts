// Sign in by pasting an API key; it is checked with the viewer query (who the key is) before it
// is kept.

import { fetchViewer, type Viewer } from "../access";
import { h } from "../dom";
import { Client } from "../gql";
import { errorContent } from "../ui";

export function signInView(reason: string | undefined, onSignedIn: (key: string, viewer: Viewer) => void): HTMLElement {
  const input = h("input", {
    id: "api-key",
    name: "apiKey",
    type: "password",
    required: true,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "slk_…",
    "aria-describedby": "api-key-help",
  });
  const errorSlot = h("div", { "aria-live": "polite" });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "signin-form", "aria-labelledby": "signin-title" },
    h("div", { class: "field" }, h("label", { for: "api-key" }, "API key"), input, h("small", { id: "api-key-help", class: "muted" }, "Create one with ", h("code", null, "scalelite api-keys create --scope admin"), ". It is kept in this browser tab only (sessionStorage) and sent as a bearer token to /graphql.")),
    errorSlot,
    submit,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    errorSlot.replaceChildren();
    try {
      const viewer = await fetchViewer(new Client(key));
      onSignedIn(key, viewer);
    } catch (e) {
      errorSlot.replaceChildren(h("div", { class: "alert", role: "alert" }, errorContent(e, "Sign-in")));
      input.focus();
      input.select();
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
  });
  queueMicrotask(() => input.focus());
  return h(
    "main",
    { class: "signin", id: "main" },
    h(
      "section",
      { class: "card signin-card" },
      h("div", { class: "brand signin-brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "S"), "Scalelite"),
      h("h1", { id: "signin-title" }, "Sign in to the console"),
      reason ? h("p", { class: "alert alert-info", role: "status" }, reason) : null,
      form,
    ),
  );
}
