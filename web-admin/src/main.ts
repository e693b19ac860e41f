// The console's entry point: sign-in, layout, and a small history router under the base path.

import { fetchViewer, permissions, type Permissions, type Viewer } from "./access";
import type { App, Route, View } from "./app";
import { h, replace } from "./dom";
import { Client, GraphQLError } from "./gql";
import { clearKey, loadKey, saveKey } from "./session";
import { badge, errorBox, mountNotices, notify } from "./ui";
import { Live, type LiveState } from "./ws";
import { apiKeysView } from "./views/apikeys";
import { auditView } from "./views/audit";
import { meetingsView } from "./views/meetings";
import { overviewView } from "./views/overview";
import { recordingsView } from "./views/recordings";
import { serverView } from "./views/server";
import { signInView } from "./views/signin";
import { graphiqlView } from "./views/graphiql";
import { tenantView } from "./views/tenant";
import { tenantsView } from "./views/tenants";

const base = new URL(document.baseURI).pathname.replace(/\/?$/, "/");

/** Allowed tells whether the signed-in key may open a page (absent: every key). */
type Allowed = (can: Permissions) => boolean;

interface RouteDef {
  pattern: RegExp;
  keys: string[];
  view: Route;
  nav?: string;
  allowed?: Allowed;
}

function route(path: string, view: Route, nav?: string, allowed?: Allowed): RouteDef {
  const keys: string[] = [];
  const src = path.replace(/:(\w+)/g, (_, k: string) => {
    keys.push(k);
    return "([^/]+)";
  });
  return { pattern: new RegExp(`^${src}$`), keys, view, nav, allowed };
}

const canListKeys: Allowed = (c) => c.listKeys;
const canReadAudit: Allowed = (c) => c.readAudit;

const routes: RouteDef[] = [
  route("", overviewView, ""),
  route("servers/:id", serverView, ""),
  route("meetings", meetingsView, "meetings"),
  route("recordings", recordingsView, "recordings"),
  route("tenants", tenantsView, "tenants"),
  route("tenants/:id", tenantView, "tenants"),
  route("api-keys", apiKeysView, "api-keys", canListKeys),
  route("audit", auditView, "audit", canReadAudit),
  route("graphql", graphiqlView, "graphql"),
];

const navItems: [string, string, Allowed?][] = [
  ["", "Overview"],
  ["meetings", "Meetings"],
  ["recordings", "Recordings"],
  ["tenants", "Tenants"],
  ["api-keys", "API keys", canListKeys],
  ["audit", "Audit log", canReadAudit],
  ["graphql", "GraphQL"],
];

const root = document.getElementById("app")!;
const notices = document.getElementById("notices")!;
mountNotices(notices);

let current: View | null = null;
let session: { app: App; main: HTMLElement; nav: HTMLElement } | null = null;
// starting counts sign-ins, so that a viewer answer arriving after a sign-out is dropped.
let starting = 0;

function href(path: string): string {
  return base + path.replace(/^\//, "");
}

function relativePath(): string {
  const p = location.pathname;
  if (!p.startsWith(base)) return "";
  return decodeURIComponent(p.slice(base.length)).replace(/\/+$/, "");
}

function navigate(path: string, replaceState = false): void {
  const target = href(path);
  if (target !== location.pathname + location.search) {
    if (replaceState) history.replaceState(null, "", target);
    else history.pushState(null, "", target);
  }
  render();
}

function signOut(reason?: string): void {
  starting++;
  current?.dispose?.();
  current = null;
  session?.app.live.close();
  session = null;
  clearKey();
  showSignIn(reason);
}

function showSignIn(reason?: string): void {
  document.title = "Sign in · Scalelite";
  const view = signInView(reason, (key, viewer) => {
    saveKey(key);
    start(key, viewer);
  });
  replace(root, view);
}

function liveIndicator(live: Live): HTMLElement {
  const text = h("span", null, "Live: idle");
  const el = h("span", { class: "live live-idle", role: "status", title: "Websocket subscription to /graphql" }, h("span", { class: "dot", "aria-hidden": "true" }), text);
  const labels: Record<LiveState, string> = { idle: "idle", connecting: "connecting…", live: "live", reconnecting: "reconnecting…", refused: "refused" };
  live.onState((s, detail) => {
    el.className = `live live-${s}`;
    text.textContent = `Live: ${labels[s]}`;
    el.title = detail || "Websocket subscription to /graphql";
  });
  return el;
}

function whoAmI(v: Viewer): HTMLElement {
  const tone = v.admin ? "info" : v.readOnly ? "muted" : "warn";
  const what = v.admin ? "admin key" : v.readOnly ? "read-only key: changes are hidden" : `tenant key of ${v.tenant}: its meetings and recordings only`;
  return h("span", { class: "whoami", "data-viewer": v.scope, title: `Signed in as ${v.name} (${what})` }, h("span", { class: "whoami-name" }, v.name), badge(v.scope, tone));
}

/** start signs in with key: it asks the server who the key is (unless the sign-in form did). */
function start(key: string, viewer?: Viewer): void {
  const attempt = ++starting;
  const client = new Client(key, (msg) => signOut(msg));
  if (!viewer) {
    replace(root, h("main", { class: "signin", id: "main" }, h("p", { class: "loading", role: "status" }, "Checking the API key…")));
    fetchViewer(client).then(
      (v) => {
        if (attempt === starting) start(key, v);
      },
      (e) => {
        // A refused key has signed out already (the client's onUnauthenticated).
        if (attempt !== starting || (e instanceof GraphQLError && e.code === "UNAUTHENTICATED")) return;
        replace(
          root,
          h(
            "main",
            { class: "signin", id: "main" },
            h("section", { class: "card signin-card" }, errorBox(e, "Checking the API key", () => start(key)), h("button", { class: "btn btn-ghost", type: "button", onclick: () => signOut("Signed out.") }, "Sign out")),
          ),
        );
      },
    );
    return;
  }
  const live = new Live(key, undefined, (reason) => signOut(`Live updates refused: ${reason}`));
  const can = permissions(viewer);
  const app: App = { client, live, viewer, can, navigate, href };
  const nav = h(
    "nav",
    { class: "nav", "aria-label": "Sections" },
    h(
      "ul",
      null,
      navItems.filter(([, , allowed]) => !allowed || allowed(can)).map(([path, label]) => h("li", null, h("a", { href: href(path), "data-nav": path }, label))),
    ),
  );
  const main = h("main", { id: "main", tabindex: "-1" });
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: href("") }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "S"), "Scalelite"),
    nav,
    h("div", { class: "topbar-right" }, whoAmI(viewer), liveIndicator(live), h("button", { class: "btn btn-ghost", type: "button", onclick: () => signOut("Signed out.") }, "Sign out")),
  );
  replace(root, h("a", { class: "skip", href: "#main" }, "Skip to content"), header, main);
  session = { app, main, nav };
  render();
}

function notFound(): View {
  return { title: "Not found", el: h("section", null, h("h1", null, "Not found"), h("p", null, "No page here. ", h("a", { href: href("") }, "Go to the overview"), ".")) };
}

function notAllowed(v: Viewer): View {
  return {
    title: "Not available",
    el: h(
      "section",
      null,
      h("h1", null, "Not available to this key"),
      h("p", null, "This API key (scope ", h("code", null, v.scope), ") may not use this page. ", h("a", { href: href("") }, "Go to the overview"), "."),
    ),
  };
}

// The GraphQL page (GraphiQL) needs the looser Content-Security-Policy the server sends with
// /admin/graphql (inline styles, data: fonts): reach it by loading the page, not in place.
const loadedAt = relativePath();

function render(): void {
  if (!session) return;
  const path = relativePath();
  if (path === "graphql" && loadedAt !== "graphql") {
    location.reload();
    return;
  }
  const query = new URLSearchParams(location.search);
  let view: View | null = null;
  let nav: string | undefined;
  current?.dispose?.();
  current = null;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => (params[k] = m[i + 1]));
    view = r.allowed && !r.allowed(session.app.can) ? notAllowed(session.app.viewer) : r.view(session.app, params, query);
    nav = r.nav;
    break;
  }
  view ??= notFound();
  current = view;
  document.title = `${view.title} · Scalelite`;
  for (const a of session.nav.querySelectorAll<HTMLAnchorElement>("a[data-nav]")) {
    if (a.dataset.nav === nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  replace(session.main, view.el);
  const heading = session.main.querySelector("h1");
  if (heading && renderedOnce) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  renderedOnce = true;
  window.scrollTo(0, 0);
}
let renderedOnce = false;

document.addEventListener("click", (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element).closest?.("a");
  if (!a || a.target || a.hasAttribute("download") || !session) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(base)) return;
  if (url.hash) {
    // A link within the page: scroll to its target and move the focus there.
    const target = url.pathname === location.pathname ? document.getElementById(decodeURIComponent(url.hash.slice(1))) : null;
    if (target) {
      ev.preventDefault();
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    }
    return;
  }
  ev.preventDefault();
  navigate(url.pathname.slice(base.length) + url.search);
});
window.addEventListener("popstate", () => render());
window.addEventListener("unhandledrejection", (ev) => {
  notify(`Unexpected error: ${(ev.reason as Error)?.message ?? ev.reason}`, "error");
});

const saved = loadKey();
if (saved) start(saved);
else showSignIn();
