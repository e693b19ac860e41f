// Meetings: filter, cursor pagination, placement explanation, end meeting.

import type { App, View } from "../app";
import { h, replace, time } from "../dom";
import { GraphQLError } from "../gql";
import { Pager, type PageInfo } from "../pager";
import { badge, button, confirmDialog, errorBox, fieldControl, notify, notifyError } from "../ui";

interface MeetingNode {
  meetingID: string;
  name: string;
  serverId: string;
  server: { url: string } | null;
  tenant: { id: string; name: string } | null;
  voiceBridge: string;
  running: boolean;
  placement: string | null;
  reservation: number;
  missedPolls: number;
  createdAt: string;
  endedAt: string | null;
}

interface MeetingsAnswer {
  meetings: { totalCount: number; pageInfo: PageInfo; nodes: MeetingNode[] };
}

const query = `query Meetings($filter: MeetingFilter, $first: Int, $after: String) {
  meetings(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      meetingID name serverId server { url } tenant { id name } voiceBridge running placement
      reservation missedPolls createdAt endedAt
    }
  }
}`;

const columns = ["Meeting", "Server", "Tenant", "Status", "Voice bridge", "Created", "Placement"];

function list(v: string): string[] | undefined {
  const items = v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function placement(p: string | null): Node {
  if (!p) return document.createTextNode("—");
  let pretty = p;
  try {
    pretty = JSON.stringify(JSON.parse(p), null, 2);
  } catch {
    // not JSON: show as is
  }
  return h("details", { class: "placement" }, h("summary", null, "Why here"), h("pre", null, pretty));
}

export function meetingsView(app: App, _params: Record<string, string>, q: URLSearchParams): View {
  const pager = new Pager(50);
  const el = h("section", { class: "view" });
  const results = h("div");
  let disposed = false;

  const server = fieldControl({ name: "server", label: "Server ids", value: q.get("server") ?? "", placeholder: "any", help: "Comma-separated." });
  const ids = fieldControl({ name: "ids", label: "Meeting IDs", value: q.get("meetingID") ?? "", placeholder: "any" });
  const tenant = fieldControl({ name: "tenant", label: "Tenant id", value: q.get("tenant") ?? "", placeholder: "any" });
  const ended = fieldControl({ name: "ended", label: "Include ended meetings", type: "checkbox", value: q.get("ended") === "1" });

  const filter = () => {
    const f: Record<string, unknown> = { includeEnded: (ended.input as HTMLInputElement).checked };
    const s = list(server.input.value);
    if (s) f.serverIds = s;
    const m = list(ids.input.value);
    if (m) f.meetingIDs = m;
    if (app.can.filterByTenant && tenant.input.value.trim()) f.tenantId = tenant.input.value.trim();
    return f;
  };

  const endMeeting = async (m: MeetingNode) => {
    const ok = await confirmDialog({
      title: `End meeting ${m.meetingID}?`,
      body: h("p", null, `“${m.name}” on ${m.serverId} ends for everyone in it, in our records and on its server.`),
      confirm: "End meeting",
      danger: true,
    });
    if (!ok) return;
    try {
      await app.client.request("mutation EndMeeting($id: String!) { endMeeting(meetingID: $id) { meetingID running } }", { id: m.meetingID });
      notify(`Meeting ${m.meetingID} ended.`);
    } catch (e) {
      // The meeting may be ended in our records with the BBB call failing: say both.
      if (e instanceof GraphQLError && (e.data as { endMeeting?: unknown } | null)?.endMeeting) {
        notifyError(`Meeting ${m.meetingID} ended in our records, but its server's end call`, e);
      } else {
        notifyError(`End meeting ${m.meetingID}`, e);
      }
    }
    void load();
  };

  async function load(): Promise<void> {
    results.setAttribute("aria-busy", "true");
    try {
      const d = await app.client.request<MeetingsAnswer>(query, { filter: filter(), first: pager.size, after: pager.after });
      if (disposed) return;
      const c = d.meetings;
      replace(
        results,
        c.nodes.length === 0
          ? h("p", { class: "empty" }, "No meetings match.")
          : h(
              "div",
              { class: "table-wrap" },
              h(
                "table",
                { class: "table" },
                h(
                  "thead",
                  null,
                  h("tr", null, [...columns, ...(app.can.endMeetings ? ["Actions"] : [])].map((t) => h("th", { scope: "col" }, t))),
                ),
                h(
                  "tbody",
                  null,
                  c.nodes.map((m) =>
                    h(
                      "tr",
                      { "data-meeting-id": m.meetingID },
                      h("th", { scope: "row" }, h("code", null, m.meetingID), h("div", { class: "muted small" }, m.name)),
                      h("td", null, h("a", { href: app.href(`servers/${encodeURIComponent(m.serverId)}`) }, m.serverId)),
                      h("td", null, m.tenant?.name ?? h("span", { class: "muted" }, "—")),
                      h(
                        "td",
                        null,
                        m.running ? badge("running", "ok") : badge("ended", "muted"),
                        m.missedPolls > 0 ? h("div", { class: "small muted" }, `missed ${m.missedPolls} poll${m.missedPolls === 1 ? "" : "s"}`) : null,
                        m.endedAt ? h("div", { class: "small muted" }, time(m.endedAt)) : null,
                      ),
                      h("td", null, m.voiceBridge),
                      h("td", null, time(m.createdAt)),
                      h("td", null, placement(m.placement)),
                      app.can.endMeetings
                        ? h("td", { class: "col-actions" }, m.running ? button("End", () => endMeeting(m), { kind: "danger", small: true, label: `End meeting ${m.meetingID}` }) : null)
                        : null,
                    ),
                  ),
                ),
              ),
            ),
        pager.controls(c.pageInfo, c.totalCount, c.nodes.length, () => void load(), "meetings"),
      );
    } catch (e) {
      if (!disposed) replace(results, errorBox(e, "Loading meetings", () => void load()));
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter meetings" },
    server.el,
    ids.el,
    app.can.filterByTenant ? tenant.el : null,
    ended.el,
    h("div", { class: "filters-actions" }, h("button", { class: "btn btn-primary", type: "submit" }, "Apply")),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    pager.reset();
    void load();
  });

  replace(
    el,
    h("div", { class: "view-head" }, h("h1", null, "Meetings"), h("div", { class: "toolbar" }, button("Refresh", () => load()))),
    app.viewer.tenant ? h("p", { class: "muted" }, `Meetings of tenant ${app.viewer.tenant} only (this key's scope).`) : null,
    form,
    results,
  );
  replace(results, h("p", { class: "loading", role: "status" }, "Loading…"));
  void load();
  return { title: "Meetings", el, dispose: () => (disposed = true) };
}
