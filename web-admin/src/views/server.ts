// One server: its fields (live), edit form, actions and the meetings placed on it.

import type { App, View } from "../app";
import { h, hostOf, num, replace, time } from "../dom";
import { GraphQLError } from "../gql";
import { button, errorBox, formDialog, notify, notifyError } from "../ui";
import { applyEvent, onlineBadge, serverActions, serverLoadSubscription, stateBadge, type Row, type ServerLoadEvent } from "./overview";
import type { ServerState } from "./serveractions";

interface ServerAnswer {
  server: {
    id: string;
    url: string;
    tag: string | null;
    state: ServerState;
    online: boolean;
    load: number | null;
    loadMultiplier: number;
    meetings: number;
    users: number;
    largestMeeting: number;
    videos: number;
    bbbVersion: string | null;
    healthyCounter: number;
    unhealthyCounter: number;
    lastPolledAt: string | null;
    lastPollError: string | null;
    createdAt: string;
    updatedAt: string;
  } | null;
  meetings: { totalCount: number; nodes: { meetingID: string; name: string; running: boolean; createdAt: string; tenant: { name: string } | null }[] };
}

const query = `query Server($id: ID!) {
  server(id: $id) {
    id url tag state online load loadMultiplier meetings users largestMeeting videos bbbVersion
    healthyCounter unhealthyCounter lastPolledAt lastPollError createdAt updatedAt
  }
  meetings(filter: { serverIds: [$id] }, first: 20) { totalCount nodes { meetingID name running createdAt tenant { name } } }
}`;

export function serverView(app: App, params: Record<string, string>): View {
  const id = params.id;
  const el = h("section", { class: "view" });
  const body = h("div", null, h("p", { class: "loading", role: "status" }, "Loading…"));
  let disposed = false;
  let data: ServerAnswer["server"] = null;
  let row: Row | null = null;
  let meetings: ServerAnswer["meetings"] | null = null;

  const render = (changed: string[] = []) => {
    if (!data || !row || !meetings) return;
    const item = (label: string, key: string, value: Node | string) =>
      [h("dt", null, label), h("dd", { "data-field": key, class: changed.includes(key) ? "flash" : undefined }, value)];
    replace(
      body,
      app.can.manageServers ? h("div", { class: "toolbar" }, serverActions(app, row, load, false), button("Edit…", () => edit(), { title: "Change the URL, secret or tag" })) : null,
      h(
        "div",
        { class: "card" },
        h(
          "dl",
          { class: "fields" },
          item("URL", "url", h("code", null, row.url)),
          item("State", "state", stateBadge(row.state)),
          item("Health", "online", onlineBadge(row.online)),
          item("Load", "load", row.load === null ? "unavailable" : num(row.load, 2)),
          item("Load multiplier", "loadMultiplier", num(row.loadMultiplier, 2)),
          item("Meetings", "meetings", num(row.meetings)),
          item("Users", "users", num(row.users)),
          item("Videos", "videos", num(row.videos)),
          item("Largest meeting", "largestMeeting", num(data.largestMeeting)),
          item("Tag", "tag", data.tag ?? "—"),
          item("BBB version", "bbbVersion", data.bbbVersion ?? "—"),
          item("Health counters", "counters", `${data.healthyCounter} healthy / ${data.unhealthyCounter} unhealthy polls`),
          item("Last poll", "updated", time(row.updated)),
          item("Last poll error", "lastPollError", row.lastPollError ?? "none"),
          item("Added", "createdAt", time(data.createdAt)),
          item("Changed", "updatedAt", time(data.updatedAt)),
        ),
      ),
      h("h2", { class: "section-title" }, `Meetings on ${id} `, h("span", { class: "muted small" }, `${meetings.totalCount} running`)),
      meetings.totalCount > 0 && (row.state === "DISABLED" || !row.online)
        ? h(
            "p",
            { class: "alert alert-info", "data-recoverable": "" },
            `${id} is ${row.online ? "disabled" : "offline"}: its meetings are recoverable. The next create or join of each re-creates it on a healthy server; the poller ends those not recovered within DEFAULT_MEETING_TTL.`,
          )
        : null,
      meetings.nodes.length === 0
        ? h("p", { class: "empty" }, "No running meetings.")
        : h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "table" },
              h("thead", null, h("tr", null, h("th", { scope: "col" }, "Meeting ID"), h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Tenant"), h("th", { scope: "col" }, "Created"))),
              h("tbody", null, meetings.nodes.map((m) => h("tr", null, h("td", null, h("code", null, m.meetingID)), h("td", null, m.name), h("td", null, m.tenant?.name ?? "—"), h("td", null, time(m.createdAt))))),
            ),
          ),
      meetings.totalCount > meetings.nodes.length ? h("p", null, h("a", { href: app.href(`meetings?server=${encodeURIComponent(id)}`) }, `All ${meetings.totalCount} meetings of ${id}`)) : null,
    );
  };

  async function load(): Promise<void> {
    try {
      const d = await app.client.request<ServerAnswer>(query, { id });
      if (disposed || !d.server) return;
      data = d.server;
      meetings = d.meetings;
      row = {
        id: data.id,
        url: data.url,
        hostname: hostOf(data.url),
        state: data.state,
        online: data.online,
        load: data.load,
        loadMultiplier: data.loadMultiplier,
        meetings: data.meetings,
        users: data.users,
        videos: data.videos,
        largestMeeting: data.largestMeeting,
        bbbVersion: data.bbbVersion,
        tag: data.tag,
        updated: data.lastPolledAt,
        lastPollError: data.lastPollError,
      };
      render();
    } catch (e) {
      if (disposed) return;
      const gone = e instanceof GraphQLError && e.has("NOT_FOUND");
      replace(body, errorBox(e, `Loading server ${id}`, gone ? undefined : () => void load()), h("p", null, h("a", { href: app.href("") }, "Back to the overview")));
    }
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
        const input: Record<string, unknown> = { url: String(v.url).trim(), tag: String(v.tag).trim() };
        if (String(v.secret) !== "") input.secret = String(v.secret);
        await app.client.request("mutation UpdateServer($id: ID!, $input: UpdateServerInput!) { updateServer(id: $id, input: $input) { id } }", { id, input });
        notify(`Server ${id} updated.`);
      },
    }).then((changed) => (changed ? load() : undefined));

  const unsubscribe = app.live.subscribe(
    serverLoadSubscription,
    { ids: [id] },
    (d: { serverLoad: ServerLoadEvent }) => {
      if (!row || d.serverLoad.id !== id) return;
      if (d.serverLoad.type === "removed") {
        notify(`Server ${id} was removed.`, "info");
        app.navigate("");
        return;
      }
      const changed = applyEvent(row, d.serverLoad);
      render(changed);
    },
    (errs) => notifyError("Live load", new GraphQLError(errs)),
  );

  replace(el, h("div", { class: "view-head" }, h("h1", null, "Server ", h("code", null, id)), h("a", { href: app.href("") }, "← Overview")), body);
  void load();
  return {
    title: `Server ${id}`,
    el,
    dispose: () => {
      disposed = true;
      unsubscribe();
    },
  };
}
