// A tenant's page: usage over time, its live meetings, its latest recordings, its fields and
// secrets (masked; admin keys may reveal them) and its create/join parameter settings.

import { html, nothing, render } from "lit-html";
import type { App, View } from "../app";
import { TimeChart } from "../chart";
import { h, time } from "../dom";
import { plural } from "../format";
import { GraphQLError } from "../gql";
import {
  AddTenantSettingDocument,
  RecordingsDocument,
  RemoveTenantDocument,
  RemoveTenantSettingDocument,
  TenantDocument,
  TenantSecretsDocument,
  TenantUsageDocument,
  UpdateTenantDocument,
  type HistoryRange,
  type RecordingsQuery,
  type TenantQuery,
  type TenantUsageQuery,
  type UpdateTenantInput,
} from "../gql/graphql";
import { actionButton, confirmDialog, copyButton, errorContent, formDialog, notify, notifyError } from "../ui";
import { MeetingList } from "./meetinglist";
import { secretsList } from "./tenants";

type Detail = NonNullable<TenantQuery["tenant"]>;
type Setting = Detail["settings"][number];
type Usage = NonNullable<TenantUsageQuery["tenant"]>["usage"];
type Recording = RecordingsQuery["recordings"]["nodes"][number];

const ranges: [HistoryRange, string][] = [
  ["HOUR", "1 hour"],
  ["DAY", "24 hours"],
  ["WEEK", "7 days"],
];

export function tenantView(app: App, params: Record<string, string>): View {
  const id = params.id;
  const el = document.createElement("section");
  el.className = "view";
  let tenant: Detail | null = null;
  let error: unknown = null;
  let usage: Usage | null = null;
  let usageError: unknown = null;
  let range: HistoryRange = "DAY";
  let recordings: { total: number; nodes: Recording[] } | null = null;
  let recordingsError: unknown = null;
  let secrets: string[] | null = null;
  let secretsError: unknown = null;
  let disposed = false;
  const chart = new TimeChart("Meetings of the tenant", 180);
  let meetings: MeetingList | null = null;
  const usageTimer = window.setInterval(() => void loadUsage(), 60000);

  const secretsBlock = () => {
    if (secretsError) {
      const forbidden = secretsError instanceof GraphQLError && secretsError.has("FORBIDDEN");
      return forbidden ? html`<span class="muted">Hidden: only admin keys may read secrets.</span>` : html`<div class="alert" role="alert">${errorContent(secretsError, "Loading the secrets")}</div>`;
    }
    if (secrets) {
      return html`<ul class="plain secrets">
          ${secrets.map((s) => html`<li><code>${s}</code> ${copyButton(s)}</li>`)}
        </ul>
        ${actionButton("Hide secrets", () => {
          secrets = null;
          draw();
        }, { small: true, kind: "ghost" })}`;
    }
    return html`<span class="masked" aria-label="Secrets hidden">••••••••••••</span>
      ${app.can.manageTenants ? actionButton("Reveal secrets", () => revealSecrets(), { small: true }) : html`<span class="muted small">Hidden: only admin keys may read secrets.</span>`}`;
  };

  const usageBlock = () => {
    if (usageError) return html`<div class="alert" role="alert">${errorContent(usageError, "Loading the usage")}</div>`;
    if (!usage) return html`<p class="loading" role="status">Loading…</p>`;
    const started = usage.started.reduce((a, n) => a + n, 0);
    const label = ranges.find(([r]) => r === range)![1];
    return html`<div class="totals totals-small">
        <div class="total" data-total="running"><div class="total-label">Running now</div><div class="total-value">${usage.runningNow.toLocaleString()}</div></div>
        <div class="total" data-total="participants"><div class="total-label">Participants now</div><div class="total-value">${usage.participantsNow.toLocaleString()}</div></div>
        <div class="total" data-total="started"><div class="total-label">Started</div><div class="total-value">${started.toLocaleString()}</div><div class="total-sub muted">in the last ${label}</div></div>
      </div>
      ${chart.el}
      ${usage.truncated ? html`<p class="alert alert-warn">More meetings than counted in this range: the figures are a lower bound.</p>` : nothing}`;
  };

  const recordingsBlock = () => {
    if (recordingsError) return html`<div class="alert" role="alert">${errorContent(recordingsError, "Loading the recordings")}</div>`;
    if (!recordings) return html`<p class="loading" role="status">Loading…</p>`;
    if (recordings.nodes.length === 0) return html`<p class="empty">No recordings.</p>`;
    return html`<div class="table-wrap">
        <table class="table">
          <thead><tr><th scope="col">Recording</th><th scope="col">Meeting</th><th scope="col">State</th><th scope="col">Started</th><th scope="col" class="num">Participants</th></tr></thead>
          <tbody>
            ${recordings.nodes.map(
              (r) => html`<tr data-record-id=${r.recordID}>
                <th scope="row">${r.name || r.recordID}<div class="muted small"><code>${r.recordID}</code></div></th>
                <td><code>${r.meetingID}</code></td>
                <td><span class="badge ${r.published ? "badge-ok" : "badge-muted"}">${r.state ?? "unknown"}</span></td>
                <td>${time(r.startTime)}</td>
                <td class="num">${r.participants ?? "—"}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p><a href=${app.href(`recordings?tenant=${encodeURIComponent(id)}`)}>All ${plural(recordings.total, "recording")} of this tenant</a></p>`;
  };

  const settingsBlock = (t: Detail) =>
    t.settings.length === 0
      ? html`<p class="empty">No settings.</p>`
      : html`<div class="table-wrap">
          <table class="table">
            <thead><tr>${["Parameter", "Value", "Mode", ...(app.can.manageTenants ? ["Actions"] : [])].map((x) => html`<th scope="col">${x}</th>`)}</tr></thead>
            <tbody>
              ${t.settings.map(
                (s) => html`<tr data-setting=${s.param}>
                  <th scope="row"><code>${s.param}</code></th>
                  <td><code class="wrap">${s.value}</code></td>
                  <td>${s.override ? html`<span class="badge badge-warn">override</span>` : html`<span class="badge badge-muted">default</span>`}</td>
                  ${app.can.manageTenants ? html`<td class="col-actions">${actionButton("Remove", () => removeSetting(s), { small: true, kind: "danger", label: `Remove setting ${s.param}` })}</td>` : nothing}
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`;

  function draw(): void {
    if (disposed) return;
    const t = tenant;
    if (usage) {
      chart.set({
        times: usage.times.map((x) => Date.parse(x) / 1000),
        step: usage.step,
        series: [
          { label: "Meetings running", values: usage.running, color: "--accent", fill: true },
          { label: "Meetings started", values: usage.started, color: "--ok" },
        ],
      });
    }
    let body;
    if (error) {
      body = html`<div class="alert" role="alert">${errorContent(error, `Loading tenant ${id}`)}</div><p><a href=${app.href("tenants")}>Back to the tenants</a></p>`;
    } else if (!t) {
      body = html`<p class="loading" role="status">Loading…</p>`;
    } else {
      const opt = (v: string | null) => v ?? "—";
      body = html`${app.can.manageTenants
          ? html`<div class="toolbar">
              ${actionButton("Edit…", () => edit(), { title: "Rename or replace the secrets" })}
              ${actionButton("Add setting", () => addSetting(), { kind: "primary" })}
              ${actionButton("Remove tenant…", () => remove(), { kind: "danger" })}
            </div>`
          : nothing}
        <nav class="jump" aria-label="On this page">
          ${[
            ["usage", "Usage"],
            ["meetings", "Meetings"],
            ["recordings", "Recordings"],
            ["details", "Details"],
            ["settings", "Settings"],
          ].map(([k, label]) => html`<a href=${`${app.href(`tenants/${encodeURIComponent(id)}`)}#tenant-${k}`}>${label}</a>`)}
        </nav>
        <section aria-labelledby="tenant-usage">
          <div class="history-head">
            <h2 class="section-title" id="tenant-usage">Usage</h2>
            <div class="seg" role="group" aria-label="Range">
              ${ranges.map(([r, label]) => html`<button type="button" class="seg-btn" aria-pressed=${r === range ? "true" : "false"} @click=${() => pickRange(r)}>${label}</button>`)}
            </div>
          </div>
          ${usageBlock()}
        </section>
        <section aria-labelledby="tenant-meetings">
          <h2 class="section-title" id="tenant-meetings">Meetings <span class="muted small">live</span></h2>
          ${meetings?.el ?? nothing}
        </section>
        <section aria-labelledby="tenant-recordings">
          <h2 class="section-title" id="tenant-recordings">Recordings <span class="muted small">latest</span></h2>
          ${recordingsBlock()}
        </section>
        <section aria-labelledby="tenant-details">
          <h2 class="section-title" id="tenant-details">Details</h2>
          <div class="card">
            <dl class="fields">
              <dt>Id</dt><dd><code>${t.id}</code></dd>
              <dt>Secrets</dt><dd data-field="secrets">${secretsBlock()}</dd>
              <dt>LRS endpoint</dt><dd>${opt(t.lrsEndpoint)}</dd>
              <dt>LRS user</dt><dd>${opt(t.lrsUsername)}</dd>
              <dt>Keycloak token URL</dt><dd>${opt(t.kcTokenUrl)}</dd>
              <dt>Keycloak client / user</dt><dd>${opt(t.kcClientId)} / ${opt(t.kcUsername)}</dd>
              <dt>Created</dt><dd>${time(t.createdAt)}</dd>
              <dt>Changed</dt><dd>${time(t.updatedAt)}</dd>
            </dl>
          </div>
        </section>
        <section aria-labelledby="tenant-settings">
          <h2 class="section-title" id="tenant-settings">Settings <span class="muted small">create and join parameters: defaults, or enforced with override</span></h2>
          ${settingsBlock(t)}
        </section>`;
    }
    render(
      html`<div class="view-head"><h1>Tenant ${t ? html`<code>${t.name}</code>` : nothing}</h1><a href=${app.href("tenants")}>← Tenants</a></div>
        ${body}`,
      el,
    );
  }

  async function load(): Promise<void> {
    try {
      const d = await app.client.request(TenantDocument, { id });
      if (disposed) return;
      tenant = d.tenant;
      error = null;
      if (tenant && !meetings) {
        const tenantId = tenant.id;
        meetings = new MeetingList(app, { filter: () => ({ tenantId }), showTenant: false, pageSize: 25, empty: "No running meetings." });
        void loadUsage();
        void loadRecordings();
      }
    } catch (e) {
      if (disposed) return;
      error = e;
    }
    draw();
  }

  async function loadUsage(): Promise<void> {
    try {
      const d = await app.client.request(TenantUsageDocument, { id, range });
      if (disposed) return;
      usage = d.tenant?.usage ?? null;
      usageError = null;
    } catch (e) {
      if (disposed) return;
      usageError = e;
    }
    draw();
  }

  async function loadRecordings(): Promise<void> {
    if (!tenant) return;
    try {
      const d = await app.client.request(RecordingsDocument, { filter: { metadata: [{ key: "tenant-id", value: tenant.id }] }, first: 10 });
      if (disposed) return;
      recordings = { total: d.recordings.totalCount, nodes: d.recordings.nodes };
      recordingsError = null;
    } catch (e) {
      if (disposed) return;
      recordingsError = e;
    }
    draw();
  }

  function pickRange(r: HistoryRange): void {
    range = r;
    usage = null;
    draw();
    void loadUsage();
  }

  async function revealSecrets(): Promise<void> {
    try {
      const r = await app.client.requestPartial(TenantSecretsDocument, { id });
      if (r.errors.length) secretsError = new GraphQLError(r.errors);
      else secrets = r.data?.tenant?.secrets ?? [];
    } catch (e) {
      secretsError = e;
    }
    draw();
  }

  const edit = () =>
    formDialog({
      title: `Edit tenant ${tenant?.name}`,
      fields: [
        { name: "name", label: "Name", required: true, value: tenant?.name ?? "" },
        { name: "secrets", label: "Replace every secret with", type: "textarea", help: "Leave empty to keep the current secrets." },
      ],
      submit: "Save",
      onSubmit: async (v) => {
        const input: UpdateTenantInput = {};
        if (String(v.name).trim() !== tenant?.name) input.name = String(v.name).trim();
        const s = secretsList(String(v.secrets));
        if (s.length) input.secrets = s;
        await app.client.request(UpdateTenantDocument, { id: tenant!.id, input });
        secrets = null;
        notify("Tenant updated.");
      },
    }).then((c) => (c ? load() : undefined));

  const addSetting = () =>
    formDialog({
      title: `Add a setting to ${tenant?.name}`,
      fields: [
        { name: "param", label: "Parameter", required: true, placeholder: "e.g. record", help: "A create or join parameter." },
        { name: "value", label: "Value", required: true },
        { name: "override", label: "Override: enforce the value even when the request sets it", type: "checkbox" },
      ],
      submit: "Add setting",
      onSubmit: async (v) => {
        await app.client.request(AddTenantSettingDocument, { input: { tenant: tenant!.id, param: String(v.param).trim(), value: String(v.value), override: v.override === true } });
        notify(`Setting ${String(v.param).trim()} added.`);
      },
    }).then((c) => (c ? load() : undefined));

  const removeSetting = async (s: Setting) => {
    const ok = await confirmDialog({ title: `Remove setting ${s.param}?`, body: h("p", null, `${s.param}=${s.value} no longer applies to ${tenant?.name}'s meetings.`), confirm: "Remove", danger: true });
    if (!ok) return;
    try {
      await app.client.request(RemoveTenantSettingDocument, { id: s.id });
      notify(`Setting ${s.param} removed.`);
    } catch (e) {
      notifyError(`Remove setting ${s.param}`, e);
    }
    await load();
  };

  const remove = async () => {
    if (!tenant) return;
    const ok = await confirmDialog({
      title: `Remove tenant ${tenant.name}?`,
      body: h("p", null, "The tenant and its settings are removed; its API keys stop working and its front-ends are refused."),
      confirm: "Remove tenant",
      danger: true,
      requireText: tenant.name,
    });
    if (!ok) return;
    try {
      await app.client.request(RemoveTenantDocument, { id: tenant.id });
      notify(`Tenant ${tenant.name} removed.`);
      app.navigate("tenants");
    } catch (e) {
      notifyError(`Remove tenant ${tenant.name}`, e);
    }
  };

  draw();
  void load();
  return {
    title: "Tenant",
    el,
    dispose: () => {
      disposed = true;
      window.clearInterval(usageTimer);
      chart.destroy();
      meetings?.dispose();
    },
  };
}
