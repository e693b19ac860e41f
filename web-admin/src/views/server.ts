// One server: its load against capacity and its fields (live), its history, its meetings, the
// actions and the edit form.

import { html, nothing, render } from "lit-html";
import type { App, View } from "../app";
import { fill, measure, takesMeetings, tone, toneLabel, type CapacityRule } from "../capacity";
import { hostOf, time } from "../dom";
import { fig, pct, plural } from "../format";
import { GraphQLError } from "../gql";
import { ServerDocument, ServerLoadDocument, UpdateServerDocument, type ServerQuery, type UpdateServerInput } from "../gql/graphql";
import { actionButton, errorContent, formDialog, notify, notifyError } from "../ui";
import { HistoryPanel } from "./historypanel";
import { MeetingList } from "./meetinglist";
import { serverActions } from "./serveractions";
import { applyEvent, onlineBadge, stateBadge, type Row } from "./serverstate";

type Detail = NonNullable<ServerQuery["server"]>;

export function serverView(app: App, params: Record<string, string>): View {
  const id = params.id;
  const el = document.createElement("section");
  el.className = "view";
  let data: Detail | null = null;
  let row: Row | null = null;
  let rule: CapacityRule | null = null;
  let error: unknown = null;
  let changed: string[] = [];
  let disposed = false;
  let actionCell: { key: string; el: HTMLElement } | null = null;

  const history = new HistoryPanel(app, { title: "Over time", serverId: id, capacity: () => rule?.serverCapacity ?? null });
  const meetings = new MeetingList(app, { filter: () => ({ serverIds: [id] }), showServer: false, pageSize: 25, empty: "No running meetings." });

  const actions = (r: Row) => {
    const key = `${r.state}:${r.loadMultiplier}`;
    if (actionCell?.key !== key) actionCell = { key, el: serverActions(app, r, () => void load(), false) };
    return actionCell.el;
  };

  function draw(): void {
    if (disposed) return;
    const r = row;
    let body;
    if (error && !r) {
      const gone = error instanceof GraphQLError && error.has("NOT_FOUND");
      body = html`<div class="alert" role="alert">${errorContent(error, `Loading server ${id}`)}${gone ? nothing : actionButton("Retry", () => load())}</div>
        <p><a href=${app.href("")}>Back to the overview</a></p>`;
    } else if (!r || !data || !rule) {
      body = html`<p class="loading" role="status">Loading…</p>`;
    } else {
      const m = measure(rule, r);
      const t = tone(m.utilization);
      const item = (label: string, key: string, value: unknown) => html`<dt>${label}</dt><dd data-field=${key} class=${changed.includes(key) ? "flash" : ""}>${value}</dd>`;
      const outOfService = r.state === "DISABLED" || !r.online;
      body = html`${app.can.manageServers ? html`<div class="toolbar">${actions(r)}${actionButton("Edit…", () => edit(), { title: "Change the URL, secret or tag" })}</div>` : nothing}
        <div class="card server-capacity tone-${t}">
          <div class="server-capacity-head">
            <div data-field="state" class=${changed.includes("state") || changed.includes("online") ? "flash" : ""}>${stateBadge(r.state)} ${onlineBadge(r.online)}</div>
            <div class="muted small">${r.hostname}</div>
          </div>
          ${m.utilization === null
            ? html`<p class="loadbar-none-text" data-field="load">Load unavailable: the server is ${r.online ? "disabled" : "offline"}.</p>`
            : html`<div
                  class="loadbar loadbar-large tone-${t}"
                  role="meter"
                  aria-label="Load of capacity"
                  aria-valuemin="0"
                  aria-valuemax=${rule.serverCapacity}
                  aria-valuenow=${r.load ?? 0}
                  aria-valuetext=${`${fig(r.load)} of ${fig(rule.serverCapacity)} (${pct(m.utilization)}), ${toneLabel[t]}`}
                >
                  <span class="loadbar-fill" ${fill(m.utilization)}></span>
                </div>
                <p data-field="load" class=${changed.includes("load") ? "flash" : ""}>
                  Load <strong>${fig(r.load)}</strong> of ${fig(rule.serverCapacity)} (${pct(m.utilization)}, ${toneLabel[t]}).
                  ${takesMeetings(r) ? html`Room for <strong>${plural(m.room, `more ${rule.meetingUsers}-user meeting`)}</strong>.` : html`Takes no new meetings.`}
                  With load multiplier ${fig(r.loadMultiplier)} it is full at about ${fig(rule.serverCapacity / (r.loadMultiplier > 0 ? r.loadMultiplier : 1))} users.
                </p>`}
        </div>
        <div class="card">
          <dl class="fields">
            ${item("URL", "url", html`<code>${r.url}</code>`)}
            ${item("Meetings", "meetings", r.meetings.toLocaleString())}
            ${item("Users", "users", r.users.toLocaleString())}
            ${item("Videos", "videos", r.videos.toLocaleString())}
            ${item("Largest meeting", "largestMeeting", data.largestMeeting.toLocaleString())}
            ${item("Load multiplier", "loadMultiplier", fig(r.loadMultiplier))}
            ${item("Tag", "tag", data.tag ?? "—")}
            ${item("BBB version", "bbbVersion", data.bbbVersion ?? "—")}
            ${item("Health counters", "counters", `${data.healthyCounter} healthy / ${data.unhealthyCounter} unhealthy polls`)}
            ${item("Last poll", "updated", time(r.updated))}
            ${item("Last poll error", "lastPollError", r.lastPollError ?? "none")}
            ${item("Added", "createdAt", time(data.createdAt))}
            ${item("Changed", "updatedAt", time(data.updatedAt))}
          </dl>
        </div>
        ${history.el}
        <h2 class="section-title">Meetings on ${r.hostname} <span class="muted small">${plural(r.meetings, "meeting")} at the last poll</span></h2>
        ${outOfService
          ? html`<p class="alert alert-info" data-recoverable>
              ${id} is ${r.online ? "disabled" : "offline"}: its running meetings are recoverable. The next create or join of each re-creates it on a healthy server; the poller ends those not recovered within DEFAULT_MEETING_TTL.
            </p>`
          : nothing}
        ${meetings.el}`;
    }
    render(
      html`<div class="view-head"><h1>Server <code>${id}</code></h1><a href=${app.href("")}>← Overview</a></div>
        ${body}`,
      el,
    );
  }

  async function load(): Promise<void> {
    try {
      const d = await app.client.request(ServerDocument, { id });
      if (disposed || !d.server) return;
      const s = d.server;
      data = s;
      rule = d.clusterStatus.capacity;
      history.redraw();
      row = {
        id: s.id,
        url: s.url,
        hostname: hostOf(s.url),
        state: s.state,
        online: s.online,
        load: s.load,
        loadMultiplier: s.loadMultiplier,
        meetings: s.meetings,
        users: s.users,
        videos: s.videos,
        largestMeeting: s.largestMeeting,
        bbbVersion: s.bbbVersion,
        tag: s.tag,
        updated: s.lastPolledAt,
        lastPollError: s.lastPollError,
      };
      error = null;
    } catch (e) {
      if (disposed) return;
      error = e;
    }
    changed = [];
    draw();
  }

  const edit = () =>
    formDialog({
      title: `Edit ${id}`,
      fields: [
        { name: "url", label: "API URL", type: "url", required: true, value: row?.url ?? "" },
        { name: "secret", label: "New shared secret", type: "password", help: "Leave empty to keep the current secret." },
        { name: "tag", label: "Tag", value: data?.tag ?? "", help: "Empty removes the tag." },
      ],
      submit: "Save",
      onSubmit: async (v) => {
        const input: UpdateServerInput = { url: String(v.url).trim(), tag: String(v.tag).trim() };
        if (String(v.secret) !== "") input.secret = String(v.secret);
        await app.client.request(UpdateServerDocument, { id, input });
        notify(`Server ${id} updated.`);
      },
    }).then((c) => (c ? load() : undefined));

  const unsubscribe = app.live.subscribe(
    ServerLoadDocument,
    { ids: [id] },
    (d) => {
      const ev = d.serverLoad;
      if (!row || ev.id !== id) return;
      if (ev.type === "REMOVED") {
        notify(`Server ${id} was removed.`, "info");
        app.navigate("");
        return;
      }
      changed = applyEvent(row, ev);
      history.push(ev.time, { load: ev.load, users: ev.users, meetings: ev.meetings, videos: ev.videos });
      draw();
    },
    (errs) => notifyError("Live load", new GraphQLError(errs)),
  );

  draw();
  void load();
  return {
    title: `Server ${id}`,
    el,
    dispose: () => {
      disposed = true;
      unsubscribe();
      history.dispose();
      meetings.dispose();
    },
  };
}
