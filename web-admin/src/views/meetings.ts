// Meetings: filters over the live meeting list.

import type { App, View } from "../app";
import { h, replace } from "../dom";
import type { MeetingFilter } from "../gql/graphql";
import { button, fieldControl } from "../ui";
import { MeetingList } from "./meetinglist";

function list(v: string): string[] | undefined {
  const items = v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

export function meetingsView(app: App, _params: Record<string, string>, q: URLSearchParams): View {
  const el = h("section", { class: "view" });
  const server = fieldControl({ name: "server", label: "Server ids", value: q.get("server") ?? "", placeholder: "any", help: "Comma-separated." });
  const ids = fieldControl({ name: "ids", label: "Meeting IDs", value: q.get("meetingID") ?? "", placeholder: "any" });
  const tenant = fieldControl({ name: "tenant", label: "Tenant id", value: q.get("tenant") ?? "", placeholder: "any" });
  const ended = fieldControl({ name: "ended", label: "Include ended meetings", type: "checkbox", value: q.get("ended") === "1" });

  const filter = (): MeetingFilter => {
    const f: MeetingFilter = { includeEnded: (ended.input as HTMLInputElement).checked };
    const s = list(server.input.value);
    if (s) f.serverIds = s;
    const m = list(ids.input.value);
    if (m) f.meetingIDs = m;
    if (app.can.filterByTenant && tenant.input.value.trim()) f.tenantId = tenant.input.value.trim();
    return f;
  };
  const meetings = new MeetingList(app, { filter, showTenant: app.can.filterByTenant, empty: "No meetings match." });

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
    void meetings.reload(true);
  });

  replace(
    el,
    h("div", { class: "view-head" }, h("h1", null, "Meetings"), h("div", { class: "toolbar" }, h("span", { class: "muted small" }, "Updates live as meetings are created, placed, recovered and ended"), button("Refresh", () => meetings.reload()))),
    app.viewer.tenant ? h("p", { class: "muted" }, `Meetings of tenant ${app.viewer.tenant} only (this key's scope).`) : null,
    form,
    meetings.el,
  );
  return { title: "Meetings", el, dispose: () => meetings.dispose() };
}
