// Cluster overview: the clusterStatus totals and per-server table, kept live by the serverLoad
// subscription, with the server actions.

import type { App, View } from "../app";
import { h, hostOf, num, replace, time } from "../dom";
import { GraphQLError } from "../gql";
import { badge, button, errorBox, notifyError } from "../ui";
import {
  addServer,
  cordonServer,
  disableServer,
  enableServer,
  panicServer,
  pollServers,
  removeServer,
  setLoadMultiplier,
  type ServerState,
} from "./serveractions";

export interface Row {
  id: string;
  url: string;
  hostname: string;
  state: ServerState;
  online: boolean;
  load: number | null;
  loadMultiplier: number;
  meetings: number;
  users: number;
  videos: number;
  largestMeeting: number;
  bbbVersion: string | null;
  tag: string | null;
  updated: string | null;
  lastPollError: string | null;
}

export interface ServerLoadEvent {
  type: string;
  time: string;
  id: string;
  url: string;
  state: ServerState;
  online: boolean;
  load: number | null;
  meetings: number;
  users: number;
  videos: number;
}

interface StatusAnswer {
  clusterStatus: {
    totals: { servers: number; online: number; enabled: number; cordoned: number; disabled: number; meetings: number; users: number; videos: number; largestMeeting: number; load: number };
    servers: {
      hostname: string;
      state: ServerState;
      online: boolean;
      meetings: number;
      users: number;
      largestMeeting: number;
      videos: number;
      load: number | null;
      bbbVersion: string | null;
      tag: string | null;
      server: { id: string; url: string; loadMultiplier: number; lastPolledAt: string | null; lastPollError: string | null };
    }[];
  };
}

const statusQuery = `query Overview {
  clusterStatus {
    totals { servers online enabled cordoned disabled meetings users videos largestMeeting load }
    servers {
      hostname state online meetings users largestMeeting videos load bbbVersion tag
      server { id url loadMultiplier lastPolledAt lastPollError }
    }
  }
}`;

export const serverLoadSubscription = `subscription ServerLoad($ids: [ID!]) {
  serverLoad(serverIds: $ids) { type time id url state online load meetings users videos }
}`;

export function stateBadge(state: ServerState): HTMLElement {
  const tone = state === "ENABLED" ? "ok" : state === "CORDONED" ? "warn" : "muted";
  return badge(state.toLowerCase(), tone);
}

export function onlineBadge(online: boolean): HTMLElement {
  return badge(online ? "online" : "offline", online ? "ok" : "bad");
}

/** applyEvent copies a serverLoad event into a row and returns the names of changed columns. */
export function applyEvent(row: Row, ev: ServerLoadEvent): string[] {
  const changed: string[] = [];
  const set = <K extends keyof Row>(k: K, v: Row[K]) => {
    if (row[k] !== v) {
      row[k] = v;
      changed.push(k);
    }
  };
  set("state", ev.state);
  set("online", ev.online);
  set("load", ev.load);
  set("meetings", ev.meetings);
  set("users", ev.users);
  set("videos", ev.videos);
  set("url", ev.url);
  row.updated = ev.time;
  return changed;
}

/** serverActions is the actions cell of a server: its next state change and a menu. */
export function serverActions(app: App, row: Pick<Row, "id" | "state" | "loadMultiplier">, after: () => void, small = true): HTMLElement {
  const then = (p: Promise<boolean>) => p.then((changed) => changed && after());
  const primary =
    row.state === "ENABLED"
      ? button("Cordon", () => then(cordonServer(app, row.id)), { small, label: `Cordon ${row.id}`, title: "Keep its meetings, take no new ones" })
      : button("Enable", () => then(enableServer(app, row.id)), { small, label: `Enable ${row.id}`, title: "Take new meetings" });
  const item = (text: string, f: () => Promise<boolean>, danger = false) =>
    h("li", null, button(text, () => {
      menu.open = false;
      return then(f());
    }, { kind: danger ? "danger" : "ghost", small: true }));
  const menu = h(
    "details",
    { class: "menu" },
    h("summary", { class: small ? "btn btn-small" : "btn", "aria-label": `More actions for ${row.id}` }, "More"),
    h(
      "ul",
      { class: "menu-list" },
      row.state !== "DISABLED" ? item("Disable…", () => disableServer(app, row.id), true) : null,
      item("Load multiplier…", () => setLoadMultiplier(app, row.id, row.loadMultiplier)),
      item("Panic…", () => panicServer(app, row.id), true),
      item("Remove…", () => removeServer(app, row.id), true),
    ),
  );
  return h("div", { class: "actions" }, primary, menu);
}

export function overviewView(app: App): View {
  const el = h("section", { class: "view" });
  const totalsEl = h("div", { class: "totals", "aria-label": "Cluster totals" });
  const tableSlot = h("div");
  const rows = new Map<string, Row>();
  const trs = new Map<string, HTMLTableRowElement>();
  let largestMeeting = 0;
  let disposed = false;
  let reloadTimer: number | undefined;
  // Live events carry load, users and state; a full refresh now and then keeps the rest (largest
  // meeting, BBB version, poll errors) current.
  const refreshTimer = window.setInterval(() => {
    if (!document.querySelector(".servers-table details[open]") && !document.querySelector("dialog[open]")) void reload();
  }, 60000);

  const renderTotals = () => {
    const list = [...rows.values()];
    const sum = (f: (r: Row) => number) => list.reduce((a, r) => a + f(r), 0);
    const count = (s: ServerState) => list.filter((r) => r.state === s).length;
    const card = (label: string, value: string, sub?: string, key?: string) =>
      h("div", { class: "total", "data-total": key ?? label.toLowerCase() }, h("div", { class: "total-label" }, label), h("div", { class: "total-value" }, value), sub ? h("div", { class: "total-sub muted" }, sub) : null);
    replace(
      totalsEl,
      card("Servers", num(list.length), `${list.filter((r) => r.online).length} online`, "servers"),
      card("States", `${count("ENABLED")} / ${count("CORDONED")} / ${count("DISABLED")}`, "enabled / cordoned / disabled", "states"),
      card("Meetings", num(sum((r) => r.meetings)), `largest ${num(Math.max(largestMeeting, ...list.map((r) => r.largestMeeting)))}`, "meetings"),
      card("Users", num(sum((r) => r.users)), undefined, "users"),
      card("Videos", num(sum((r) => r.videos)), undefined, "videos"),
      card("Load", num(sum((r) => r.load ?? 0), 2), "sum of available loads", "load"),
    );
  };

  const renderRow = (r: Row, changed: string[] = []): HTMLTableRowElement => {
    const cell = (col: string, ...content: (Node | string)[]) => {
      const td = h("td", { "data-col": col }, ...content);
      if (changed.includes(col)) td.classList.add("flash");
      return td;
    };
    const tr = h(
      "tr",
      { "data-server-id": r.id },
      h("th", { scope: "row", "data-col": "id" }, h("a", { href: app.href(`servers/${encodeURIComponent(r.id)}`) }, r.id), h("div", { class: "muted small" }, hostOf(r.url))),
      cell("state", stateBadge(r.state)),
      cell("online", onlineBadge(r.online), r.lastPollError ? h("div", { class: "small error-text", title: r.lastPollError }, "poll failed") : ""),
      cell("load", r.load === null ? h("span", { class: "muted", title: "unavailable (offline or disabled)" }, "—") : num(r.load, 2)),
      cell("meetings", num(r.meetings)),
      cell("users", num(r.users)),
      cell("videos", num(r.videos)),
      cell("loadMultiplier", num(r.loadMultiplier, 2)),
      cell("tag", r.tag ?? h("span", { class: "muted" }, "—")),
      cell("bbbVersion", r.bbbVersion ?? h("span", { class: "muted" }, "—")),
      cell("updated", time(r.updated, true)),
      app.can.manageServers ? h("td", { class: "col-actions" }, serverActions(app, r, reload)) : null,
    );
    return tr;
  };

  const renderTable = () => {
    trs.clear();
    if (rows.size === 0) {
      replace(
        tableSlot,
        h(
          "div",
          { class: "empty" },
          h("p", null, "No servers yet."),
          app.can.manageServers ? button("Add a server", () => addServer(app).then((c) => (c ? reload() : undefined)), { kind: "primary" }) : null,
        ),
      );
      return;
    }
    const body = h("tbody");
    for (const r of [...rows.values()].sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id))) {
      const tr = renderRow(r);
      trs.set(r.id, tr);
      body.appendChild(tr);
    }
    const headers: [string, string, string?][] = [
      ["Server", "id"],
      ["State", "state"],
      ["Health", "online"],
      ["Load", "load", "num"],
      ["Meetings", "meetings", "num"],
      ["Users", "users", "num"],
      ["Videos", "videos", "num"],
      ["Load ×", "loadMultiplier", "num"],
      ["Tag", "tag"],
      ["BBB", "bbbVersion"],
      ["Updated", "updated"],
    ];
    if (app.can.manageServers) headers.push(["Actions", "actions"]);
    replace(
      tableSlot,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table servers-table", "aria-describedby": "servers-caption" },
          h("caption", { id: "servers-caption", class: "sr-only" }, "Servers with live load"),
          h("thead", null, h("tr", null, headers.map(([label, col, cls]) => h("th", { scope: "col", "data-col": col, class: cls }, label)))),
          body,
        ),
      ),
    );
  };

  async function reload(): Promise<void> {
    window.clearTimeout(reloadTimer);
    try {
      const d = await app.client.request<StatusAnswer>(statusQuery);
      if (disposed) return;
      rows.clear();
      largestMeeting = d.clusterStatus.totals.largestMeeting;
      for (const s of d.clusterStatus.servers) {
        rows.set(s.server.id, {
          id: s.server.id,
          url: s.server.url,
          hostname: s.hostname,
          state: s.state,
          online: s.online,
          load: s.load,
          loadMultiplier: s.server.loadMultiplier,
          meetings: s.meetings,
          users: s.users,
          videos: s.videos,
          largestMeeting: s.largestMeeting,
          bbbVersion: s.bbbVersion,
          tag: s.tag,
          updated: s.server.lastPolledAt,
          lastPollError: s.server.lastPollError,
        });
      }
      renderTotals();
      renderTable();
    } catch (e) {
      if (!disposed) replace(tableSlot, errorBox(e, "Loading the cluster status", () => void reload()));
    }
  }

  const scheduleReload = () => {
    window.clearTimeout(reloadTimer);
    reloadTimer = window.setTimeout(() => void reload(), 400);
  };

  const onEvent = (data: { serverLoad: ServerLoadEvent }) => {
    const ev = data.serverLoad;
    const row = rows.get(ev.id);
    if (!row || ev.type === "added" || ev.type === "removed") {
      scheduleReload();
      return;
    }
    const changed = applyEvent(row, ev);
    if (ev.type === "polled") row.lastPollError = null;
    const old = trs.get(ev.id);
    if (old) {
      // Keep an open actions menu open: only refresh the data cells then.
      const tr = renderRow(row, changed);
      if (old.querySelector("details[open]")) {
        tr.replaceChild(old.querySelector(".col-actions")!, tr.querySelector(".col-actions")!);
      }
      old.replaceWith(tr);
      trs.set(ev.id, tr);
    }
    renderTotals();
  };

  const unsubscribe = app.live.subscribe(serverLoadSubscription, {}, onEvent, (errs) => notifyError("Live load", new GraphQLError(errs)));

  replace(
    el,
    h(
      "div",
      { class: "view-head" },
      h("h1", null, "Cluster overview"),
      app.can.manageServers
        ? h(
            "div",
            { class: "toolbar" },
            button("Poll now", () => pollServers(app).then((c) => (c ? reload() : undefined)), { title: "Poll every server once, now" }),
            button("Add server", () => addServer(app).then((c) => (c ? reload() : undefined)), { kind: "primary" }),
          )
        : null,
    ),
    totalsEl,
    h("h2", { class: "section-title" }, "Servers ", h("span", { class: "muted small" }, "load updates live on every poll")),
    tableSlot,
  );
  replace(tableSlot, h("p", { class: "loading", role: "status" }, "Loading…"));
  void reload();

  return {
    title: "Overview",
    el,
    dispose: () => {
      disposed = true;
      window.clearTimeout(reloadTimer);
      window.clearInterval(refreshTimer);
      unsubscribe();
    },
  };
}
