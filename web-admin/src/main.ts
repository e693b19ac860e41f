// The console's entry point: sign-in, layout, and a small history router under the base path.

import type { App, Route, View } from "./app";
import { h, replace } from "./dom";
import { Client } from "./gql";
import { clearKey, loadKey, saveKey } from "./session";
import { mountNotices, notify } from "./ui";
import { Live, type LiveState } from "./ws";
import { apiKeysView } from "./views/apikeys";
import { auditView } from "./views/audit";
import { meetingsView } from "./views/meetings";
import { overviewView } from "./views/overview";
import { recordingsView } from "./views/recordings";
import { serverView } from "./views/server";
import { signInView } from "./views/signin";
import { tenantsView, tenantView } from "./views/tenants";

const base = new URL(document.baseURI).pathname.replace(/\/?$/, "/");

interface RouteDef {
  pattern: RegExp;
  keys: string[];
  view: Route;
  nav?: string;
}

function route(path: string, view: Route, nav?: string): RouteDef {
  const keys: string[] = [];
  const src = path.replace(/:(\w+)/g, (_, k: string) => {
    keys.push(k);
    return "([^/]+)";
  });
  return { pattern: new RegExp(`^${src}$`), keys, view, nav };
}

const routes: RouteDef[] = [
  route("", overviewView, ""),
  route("servers/:id", serverView, ""),
  route("meetings", meetingsView, "meetings"),
  route("recordings", recordingsView, "recordings"),
  route("tenants", tenantsView, "tenants"),
  route("tenants/:id", tenantView, "tenants"),
  route("api-keys", apiKeysView, "api-keys"),
  route("audit", auditView, "audit"),
];

const navItems: [string, string][] = [
  ["", "Overview"],
  ["meetings", "Meetings"],
  ["recordings", "Recordings"],
  ["tenants", "Tenants"],
  ["api-keys", "API keys"],
  ["audit", "Audit log"],
];

const root = document.getElementById("app")!;
const notices = document.getElementById("notices")!;
mountNotices(notices);

let current: View | null = null;
let session: { app: App; main: HTMLElement; nav: HTMLElement } | null = null;

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
  current?.dispose?.();
  current = null;
  session?.app.live.close();
  session = null;
  clearKey();
  showSignIn(reason);
}

function showSignIn(reason?: string): void {
  document.title = "Sign in · Scalelite";
  const view = signInView(reason, (key) => {
    saveKey(key);
    start(key);
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

function start(key: string): void {
  const client = new Client(key, (msg) => signOut(msg));
  const live = new Live(key, undefined, (reason) => signOut(`Live updates refused: ${reason}`));
  const app: App = { client, live, navigate, href };
  const nav = h(
    "nav",
    { class: "nav", "aria-label": "Sections" },
    h("ul", null, navItems.map(([path, label]) => h("li", null, h("a", { href: href(path), "data-nav": path }, label)))),
  );
  const main = h("main", { id: "main", tabindex: "-1" });
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: href("") }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "S"), "Scalelite"),
    nav,
    h("div", { class: "topbar-right" }, liveIndicator(live), h("button", { class: "btn btn-ghost", type: "button", onclick: () => signOut("Signed out.") }, "Sign out")),
  );
  replace(root, h("a", { class: "skip", href: "#main" }, "Skip to content"), header, main);
  session = { app, main, nav };
  render();
}

function notFound(): View {
  return { title: "Not found", el: h("section", null, h("h1", null, "Not found"), h("p", null, "No page here. ", h("a", { href: href("") }, "Go to the overview"), ".")) };
}

function render(): void {
  if (!session) return;
  const path = relativePath();
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
    view = r.view(session.app, params, query);
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
  if (url.origin !== location.origin || !url.pathname.startsWith(base) || url.hash) return;
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
