// Cluster overview: what needs attention, capacity and room, load over time, and one row per
// server with a load bar against its capacity, kept live by the serverLoad subscription.

import { html, nothing, render, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import type { App, View } from "../app";
import { fill, measure, takesMeetings, tone, toneLabel, type CapacityRule, type Measure } from "../capacity";
import { hostOf, time } from "../dom";
import { fig, pct, plural } from "../format";
import { GraphQLError } from "../gql";
import { ClusterStatusDocument, ServerLoadDocument } from "../gql/graphql";
import { actionButton, errorContent, notifyError } from "../ui";
import { HistoryPanel } from "./historypanel";
import { addServer, pollServers, serverActions } from "./serveractions";
import { applyEvent, onlineBadge, stateBadge, type Row, type ServerLoadEvent } from "./serverstate";

type SortKey = "name" | "load" | "users" | "meetings";

const sortLabels: Record<SortKey, string> = { name: "Name", load: "Load", users: "Users", meetings: "Meetings" };

interface Measured extends Row, Measure {}

/** names shows hostnames, with the port where several servers share a host. */
function names(rows: Row[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.hostname, (count.get(r.hostname) ?? 0) + 1);
  return new Map(rows.map((r) => [r.id, (count.get(r.hostname) ?? 0) > 1 ? hostOf(r.url) : r.hostname]));
}

function sorted(rows: Measured[], key: SortKey, name: Map<string, string>): Measured[] {
  const byName = (a: Measured, b: Measured) => (name.get(a.id) ?? "").localeCompare(name.get(b.id) ?? "") || a.id.localeCompare(b.id);
  const desc = (f: (r: Measured) => number) => (a: Measured, b: Measured) => f(b) - f(a) || byName(a, b);
  switch (key) {
    case "load":
      return [...rows].sort(desc((r) => r.utilization ?? -1));
    case "users":
      return [...rows].sort(desc((r) => r.users));
    case "meetings":
      return [...rows].sort(desc((r) => r.meetings));
    default:
      return [...rows].sort(byName);
  }
}

interface Attention {
  tone: "bad" | "warn" | "info";
  id?: string;
  text: string;
}

/** attention lists what an operator should look at first, worst first. */
function attention(rows: Measured[], name: Map<string, string>, room: number, rule: CapacityRule): Attention[] {
  const out: Attention[] = [];
  for (const r of rows) {
    const n = name.get(r.id) ?? r.id;
    if (!r.online && r.state !== "DISABLED") {
      out.push({ tone: "bad", id: r.id, text: `${n} is offline${r.lastPollError ? `: ${r.lastPollError}` : ""}. Its meetings are recoverable elsewhere.` });
    } else if (r.utilization !== null && r.utilization >= 1) {
      out.push({ tone: "bad", id: r.id, text: `${n} is over capacity: load ${fig(r.load)} of ${fig(rule.serverCapacity)} (${pct(r.utilization)}).` });
    } else if (r.utilization !== null && tone(r.utilization) === "bad") {
      out.push({ tone: "warn", id: r.id, text: `${n} is nearly full: load ${fig(r.load)} of ${fig(rule.serverCapacity)} (${pct(r.utilization)}).` });
    } else if (r.online && r.lastPollError) {
      out.push({ tone: "warn", id: r.id, text: `${n}: the last poll failed (${r.lastPollError}); still online.` });
    }
  }
  for (const r of rows) {
    if (r.state === "CORDONED") out.push({ tone: "info", id: r.id, text: `${name.get(r.id) ?? r.id} is cordoned: it keeps its ${plural(r.meetings, "meeting")} and takes no new ones.` });
  }
  if (rows.some(takesMeetings) && room === 0) out.unshift({ tone: "bad", text: `No room for another ${rule.meetingUsers}-user meeting: every server in service is full.` });
  if (rows.length > 0 && !rows.some(takesMeetings)) out.unshift({ tone: "bad", text: "No server takes new meetings: creates fail until one is enabled and online." });
  const rank = { bad: 0, warn: 1, info: 2 };
  return out.sort((a, b) => rank[a.tone] - rank[b.tone]);
}

export function overviewView(app: App, _params: Record<string, string>, q: URLSearchParams): View {
  const el = container();
  const rows = new Map<string, Row>();
  const flashes = new Map<string, Set<string>>();
  const actionCells = new Map<string, HTMLElement>(); // by id and state, so open menus survive updates
  let rule: CapacityRule = { serverCapacity: 0, meetingUsers: 15, description: "" };
  let largestMeeting = 0;
  let loaded = false;
  let error: unknown = null;
  let disposed = false;
  let sortKey: SortKey = (["name", "load", "users", "meetings"] as const).find((k) => k === q.get("sort")) ?? "name";
  let reloadTimer: number | undefined;
  let flashTimer: number | undefined;

  const measured = (): Measured[] => [...rows.values()].map((r) => ({ ...r, ...measure(rule, r) }));

  const clusterSample = () => {
    const list = measured();
    const available = list.filter((r) => r.utilization !== null);
    return {
      load: available.length ? available.reduce((a, r) => a + (r.load ?? 0), 0) : null,
      users: list.reduce((a, r) => a + r.users, 0),
      meetings: list.reduce((a, r) => a + r.meetings, 0),
      videos: list.reduce((a, r) => a + r.videos, 0),
    };
  };

  const inServiceCapacity = () => measured().filter(takesMeetings).length * rule.serverCapacity;
  const history = new HistoryPanel(app, { title: "Cluster over time", capacity: () => inServiceCapacity() || null });

  // A full refresh now and then keeps what events do not carry (largest meeting, BBB version,
  // poll errors) current.
  const refreshTimer = window.setInterval(() => {
    if (!el.querySelector(".servers-table details[open]") && !document.querySelector("dialog[open]")) void reload();
  }, 60000);

  const actions = (r: Row) => {
    const key = `${r.id}:${r.state}:${r.loadMultiplier}`;
    let cell = actionCells.get(key);
    if (!cell) {
      cell = serverActions(app, r, () => void reload());
      for (const k of actionCells.keys()) if (k.startsWith(`${r.id}:`)) actionCells.delete(k);
      actionCells.set(key, cell);
    }
    return cell;
  };

  const loadBar = (r: Measured, label: string): TemplateResult => {
    if (r.utilization === null) {
      const why = !r.online ? "offline" : "disabled";
      return html`<div class="loadbar loadbar-none" role="img" aria-label=${`Load of ${label}: unavailable (${why})`}><span class="loadbar-empty">${why}: no load</span></div>`;
    }
    const t = tone(r.utilization);
    const text = `${fig(r.load)} of ${fig(rule.serverCapacity)} (${pct(r.utilization)}), ${toneLabel[t]}`;
    return html`<div
        class="loadbar tone-${t}"
        role="meter"
        aria-label=${`Load of ${label}`}
        aria-valuemin="0"
        aria-valuemax=${rule.serverCapacity}
        aria-valuenow=${r.load ?? 0}
        aria-valuetext=${text}
        title=${text}
      >
        <span class="loadbar-fill" ${fill(r.utilization)}></span>
      </div>
      <div class="loadbar-text"><strong>${fig(r.load)}</strong> / ${fig(rule.serverCapacity)} · ${pct(r.utilization)}${t === "over" ? html` <span class="badge badge-bad">over capacity</span>` : nothing}</div>`;
  };

  const cell = (id: string, col: string, content: unknown, label?: string) =>
    html`<td data-col=${col} data-label=${label ?? nothing} class=${flashes.get(id)?.has(col) ? "flash" : ""}>${content}</td>`;

  const rowTemplate = (r: Measured, name: Map<string, string>) => {
    const n = name.get(r.id) ?? r.id;
    const cls = ["server-row", `state-${r.state.toLowerCase()}`, r.online ? "" : "is-offline", r.utilization !== null ? `tone-${tone(r.utilization)}` : ""].join(" ");
    return html`<tr data-server-id=${r.id} class=${cls}>
      <th scope="row" data-col="id">
        <a href=${app.href(`servers/${encodeURIComponent(r.id)}`)} title=${`Server id ${r.id}`}>${n}</a>
        <div class="muted small">${r.id}</div>
      </th>
      ${cell(r.id, "state", stateBadge(r.state), "State")}
      ${cell(r.id, "online", html`${onlineBadge(r.online)}${r.lastPollError ? html`<div class="small error-text" title=${r.lastPollError}>poll failed</div>` : nothing}`, "Health")}
      ${cell(r.id, "load", loadBar(r, n), "Load")}
      ${cell(r.id, "room", takesMeetings(r) ? String(r.room) : html`<span class="muted" title="takes no new meetings">—</span>`, "Room")}
      ${cell(r.id, "users", r.users.toLocaleString(), "Users")}
      ${cell(r.id, "meetings", r.meetings.toLocaleString(), "Meetings")}
      ${cell(r.id, "videos", r.videos.toLocaleString(), "Videos")}
      ${cell(r.id, "loadMultiplier", fig(r.loadMultiplier), "Load ×")}
      ${cell(r.id, "tag", r.tag ?? html`<span class="muted">—</span>`, "Tag")}
      ${cell(r.id, "bbbVersion", r.bbbVersion ?? html`<span class="muted">—</span>`, "BBB")}
      ${cell(r.id, "updated", time(r.updated, true), "Last poll")}
      ${app.can.manageServers ? html`<td class="col-actions">${actions(r)}</td>` : nothing}
    </tr>`;
  };

  const headers: [string, string, boolean][] = [
    ["Server", "id", false],
    ["State", "state", false],
    ["Health", "online", false],
    ["Load of capacity", "load", false],
    ["Room", "room", true],
    ["Users", "users", true],
    ["Meetings", "meetings", true],
    ["Videos", "videos", true],
    ["Load ×", "loadMultiplier", true],
    ["Tag", "tag", false],
    ["BBB", "bbbVersion", false],
    ["Last poll", "updated", false],
  ];
  const sortOf: Record<string, SortKey> = { id: "name", load: "load", users: "users", meetings: "meetings" };

  const setSort = (k: SortKey) => {
    sortKey = k;
    const u = new URL(location.href);
    if (k === "name") u.searchParams.delete("sort");
    else u.searchParams.set("sort", k);
    window.history.replaceState(null, "", u);
    draw();
  };

  const card = (key: string, label: string, value: unknown, sub?: unknown, extra?: unknown) =>
    html`<div class="total" data-total=${key}><div class="total-label">${label}</div><div class="total-value">${value}</div>${sub ? html`<div class="total-sub muted">${sub}</div>` : nothing}${extra ?? nothing}</div>`;

  function draw(): void {
    if (disposed) return;
    const list = measured();
    const name = names(list);
    const inService = list.filter(takesMeetings);
    const capacity = inService.length * rule.serverCapacity;
    const inServiceLoad = inService.reduce((a, r) => a + (r.load ?? 0), 0);
    const room = inService.reduce((a, r) => a + r.room, 0);
    const used = capacity > 0 ? inServiceLoad / capacity : null;
    const count = (s: string) => list.filter((r) => r.state === s).length;
    const sum = (f: (r: Row) => number) => list.reduce((a, r) => a + f(r), 0);
    const issues = loaded ? attention(list, name, room, rule) : [];
    const head = html`<div class="view-head">
      <h1>Cluster overview</h1>
      ${app.can.manageServers
        ? html`<div class="toolbar">
            ${actionButton("Poll now", () => pollServers(app).then((c) => (c ? reload() : undefined)), { title: "Poll every server once, now" })}
            ${actionButton("Add server", () => addServer(app).then((c) => (c ? reload() : undefined)), { kind: "primary" })}
          </div>`
        : nothing}
    </div>`;
    const totals = html`<div class="totals" aria-label="Cluster totals">
      ${card("room", "Room", room.toLocaleString(), `more ${rule.meetingUsers}-user meetings fit`)}
      ${card(
        "capacity",
        "Capacity used",
        pct(used),
        `load ${fig(inServiceLoad)} of ${fig(capacity)} on ${plural(inService.length, "server")} in service`,
        html`<div class="loadbar loadbar-small tone-${tone(used)}" aria-hidden="true"><span class="loadbar-fill" ${fill(used)}></span></div>`,
      )}
      ${card("servers", "Servers", `${list.filter((r) => r.online).length} / ${list.length}`, "online / total")}
      ${card("states", "States", `${count("ENABLED")} / ${count("CORDONED")} / ${count("DISABLED")}`, "enabled / cordoned / disabled")}
      ${card("users", "Users", sum((r) => r.users).toLocaleString())}
      ${card("meetings", "Meetings", sum((r) => r.meetings).toLocaleString(), `largest ${Math.max(largestMeeting, ...list.map((r) => r.largestMeeting)).toLocaleString()}`)}
      ${card("videos", "Videos", sum((r) => r.videos).toLocaleString())}
    </div>`;
    const attentionBlock = !loaded
      ? nothing
      : issues.length === 0
        ? html`<p class="attention attention-ok" role="status" data-attention="ok"><span aria-hidden="true">✓ </span>All ${plural(inService.length, "server")} in service ${inService.length === 1 ? "has" : "have"} room; nothing needs attention.</p>`
        : html`<section class="attention" aria-labelledby="attention-title">
            <h2 id="attention-title" class="sr-only">Needs attention</h2>
            <ul>
              ${issues.map(
                (i) => html`<li class="attention-${i.tone}" data-attention=${i.id ?? "cluster"}>
                  <span class="attention-icon" aria-hidden="true">${i.tone === "info" ? "ℹ" : "!"}</span>
                  <span class="sr-only">${i.tone === "bad" ? "Problem: " : i.tone === "warn" ? "Warning: " : "Note: "}</span>
                  ${i.id ? html`<a href=${app.href(`servers/${encodeURIComponent(i.id)}`)}>${i.text}</a>` : i.text}
                </li>`,
              )}
            </ul>
          </section>`;
    const table =
      error && !loaded
        ? html`<div class="alert" role="alert">${errorContent(error, "Loading the cluster status")}${actionButton("Retry", () => reload())}</div>`
        : !loaded
          ? html`<p class="loading" role="status">Loading…</p>`
          : list.length === 0
            ? html`<div class="empty"><p>No servers yet.</p>${app.can.manageServers ? actionButton("Add a server", () => addServer(app).then((c) => (c ? reload() : undefined)), { kind: "primary" }) : nothing}</div>`
            : html`<div class="table-wrap">
                <table class="table servers-table">
                  <caption class="sr-only">Servers with live load, sorted by ${sortLabels[sortKey].toLowerCase()}</caption>
                  <thead>
                    <tr>
                      ${headers.map(([label, col, numeric]) => {
                        const k = sortOf[col];
                        const sortedHere = k === sortKey;
                        return html`<th scope="col" data-col=${col} class=${numeric ? "num" : ""} aria-sort=${sortedHere ? (k === "name" ? "ascending" : "descending") : nothing}>
                          ${k ? html`<button type="button" class="sort-btn" @click=${() => setSort(k)}>${label}${sortedHere ? html`<span aria-hidden="true"> ${k === "name" ? "▲" : "▼"}</span>` : nothing}</button>` : label}
                        </th>`;
                      })}
                      ${app.can.manageServers ? html`<th scope="col" data-col="actions">Actions</th>` : nothing}
                    </tr>
                  </thead>
                  <tbody>
                    ${repeat(sorted(list, sortKey, name), (r) => r.id, (r) => rowTemplate(r, name))}
                  </tbody>
                </table>
              </div>`;
    render(
      html`${head}${attentionBlock}${totals}
        <details class="capacity-rule">
          <summary>How capacity is computed</summary>
          <p>${rule.description}</p>
          <p>
            Bars are green below 70% of capacity, amber from 70%, red from 90%, and marked <strong>over capacity</strong> from 100%.
            Offline and disabled servers have no load; offline rows are striped in red, disabled rows greyed out, cordoned rows edged in amber.
          </p>
        </details>
        ${history.el}
        <div class="section-head">
          <h2 class="section-title">Servers <span class="muted small">load updates live on every poll</span></h2>
          <label class="sort-select">Sort by
            <select @change=${(e: Event) => setSort((e.target as HTMLSelectElement).value as SortKey)}>
              ${(Object.keys(sortLabels) as SortKey[]).map((k) => html`<option value=${k} ?selected=${k === sortKey}>${sortLabels[k]}</option>`)}
            </select>
          </label>
        </div>
        ${table}`,
      el,
    );
  }

  async function reload(): Promise<void> {
    window.clearTimeout(reloadTimer);
    try {
      const d = await app.client.request(ClusterStatusDocument);
      if (disposed) return;
      const cs = d.clusterStatus;
      rule = cs.capacity;
      largestMeeting = cs.totals.largestMeeting;
      rows.clear();
      for (const s of cs.servers) {
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
      loaded = true;
      error = null;
      history.redraw();
    } catch (e) {
      if (disposed) return;
      error = e;
    }
    draw();
  }

  const scheduleReload = () => {
    window.clearTimeout(reloadTimer);
    reloadTimer = window.setTimeout(() => void reload(), 400);
  };

  const onEvent = (data: { serverLoad: ServerLoadEvent }) => {
    const ev = data.serverLoad;
    const row = rows.get(ev.id);
    if (!row || ev.type === "ADDED" || ev.type === "REMOVED") {
      scheduleReload();
      return;
    }
    const changed = applyEvent(row, ev);
    flashes.set(ev.id, new Set(changed));
    window.clearTimeout(flashTimer);
    flashTimer = window.setTimeout(() => {
      flashes.clear();
      draw();
    }, 1600);
    history.push(ev.time, clusterSample());
    draw();
  };

  const unsubscribe = app.live.subscribe(ServerLoadDocument, {}, onEvent, (errs) => notifyError("Live load", new GraphQLError(errs)));

  draw();
  void reload();

  return {
    title: "Overview",
    el,
    dispose: () => {
      disposed = true;
      window.clearTimeout(reloadTimer);
      window.clearTimeout(flashTimer);
      window.clearInterval(refreshTimer);
      unsubscribe();
      history.dispose();
    },
  };
}

function container(): HTMLElement {
  const el = document.createElement("section");
  el.className = "view overview";
  return el;
}
