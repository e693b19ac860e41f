// Tenants (multitenancy) and their create/join parameter settings.

import type { App, View } from "../app";
import { h, replace, time } from "../dom";
import { GraphQLError } from "../gql";
import { badge, button, confirmDialog, copyButton, errorBox, formDialog, notify, notifyError } from "../ui";

interface TenantRow {
  id: string;
  name: string;
  createdAt: string;
  settings: { id: string }[];
}

interface Setting {
  id: string;
  param: string;
  value: string;
  override: boolean;
}

interface TenantDetail {
  id: string;
  name: string;
  secrets?: string[] | null;
  lrsEndpoint: string | null;
  lrsUsername: string | null;
  kcTokenUrl: string | null;
  kcClientId: string | null;
  kcUsername: string | null;
  createdAt: string;
  updatedAt: string;
  settings: Setting[];
}

function secretsList(v: string): string[] {
  return v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

export function tenantsView(app: App): View {
  const el = h("section", { class: "view" });
  const results = h("div", null, h("p", { class: "loading", role: "status" }, "Loading…"));
  let disposed = false;

  async function load(): Promise<void> {
    try {
      const d = await app.client.request<{ tenants: TenantRow[] }>("query Tenants { tenants { id name createdAt settings { id } } }");
      if (disposed) return;
      replace(
        results,
        d.tenants.length === 0
          ? h("p", { class: "empty" }, "No tenants. Tenants matter only with MULTITENANCY_ENABLED: each is the first label of a host name and has its own secrets.")
          : h(
              "div",
              { class: "table-wrap" },
              h(
                "table",
                { class: "table" },
                h("thead", null, h("tr", null, ["Name", "Id", "Settings", "Created"].map((t) => h("th", { scope: "col" }, t)))),
                h(
                  "tbody",
                  null,
                  d.tenants.map((t) =>
                    h(
                      "tr",
                      { "data-tenant": t.name },
                      h("th", { scope: "row" }, h("a", { href: app.href(`tenants/${encodeURIComponent(t.id)}`) }, t.name)),
                      h("td", null, h("code", { class: "small" }, t.id)),
                      h("td", { class: "num" }, String(t.settings.length)),
                      h("td", null, time(t.createdAt)),
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      if (!disposed) replace(results, errorBox(e, "Loading tenants", () => void load()));
    }
  }

  const add = () =>
    formDialog({
      title: "Add a tenant",
      fields: [
        { name: "name", label: "Name", required: true, help: "The first label of the tenant's host name, e.g. school1 for school1.bbb.example.com." },
        { name: "secrets", label: "Secrets", type: "textarea", required: true, help: "One or more, separated by spaces, commas or new lines." },
      ],
      submit: "Add tenant",
      onSubmit: async (v) => {
        const d = await app.client.request<{ addTenant: { id: string; name: string } }>("mutation AddTenant($input: AddTenantInput!) { addTenant(input: $input) { id name } }", {
          input: { name: String(v.name).trim(), secrets: secretsList(String(v.secrets)) },
        });
        notify(`Tenant ${d.addTenant.name} added.`);
      },
    }).then((c) => (c ? load() : undefined));

  replace(
    el,
    h("div", { class: "view-head" }, h("h1", null, "Tenants"), app.can.manageTenants ? h("div", { class: "toolbar" }, button("Add tenant", add, { kind: "primary" })) : null),
    results,
  );
  void load();
  return { title: "Tenants", el, dispose: () => (disposed = true) };
}

const detailQuery = `query Tenant($id: ID!) {
  tenant(id: $id) {
    id name lrsEndpoint lrsUsername kcTokenUrl kcClientId kcUsername createdAt updatedAt
    settings { id param value override }
  }
}`;

export function tenantView(app: App, params: Record<string, string>): View {
  const id = params.id;
  const el = h("section", { class: "view" });
  const heading = h("h1", null, "Tenant");
  const body = h("div", null, h("p", { class: "loading", role: "status" }, "Loading…"));
  let disposed = false;
  let tenant: TenantDetail | null = null;
  let secrets: string[] | null = null;
  let secretsError: unknown = null;
  let revealed = false;

  const secretsBlock = () => {
    if (secretsError) {
      const forbidden = secretsError instanceof GraphQLError && secretsError.has("FORBIDDEN");
      return forbidden ? h("span", { class: "muted" }, "Hidden: only admin keys may read secrets.") : errorBox(secretsError, "Loading the secrets");
    }
    if (!app.can.manageTenants) return h("span", { class: "muted" }, "Hidden: only admin keys may read secrets.");
    if (!revealed) return button("Reveal secrets", () => revealSecrets(), { small: true });
    return h("ul", { class: "plain secrets" }, (secrets ?? []).map((s) => h("li", null, h("code", null, s), " ", copyButton(s))));
  };

  const render = () => {
    if (!tenant) return;
    const t = tenant;
    heading.replaceChildren("Tenant ", h("code", null, t.name));
    const opt = (v: string | null) => v ?? "—";
    replace(
      body,
      app.can.manageTenants
        ? h(
            "div",
            { class: "toolbar" },
            button("Edit…", () => edit(), { title: "Rename or replace the secrets" }),
            button("Add setting", () => addSetting(), { kind: "primary" }),
            button("Remove tenant…", () => remove(), { kind: "danger" }),
          )
        : null,
      h(
        "div",
        { class: "card" },
        h(
          "dl",
          { class: "fields" },
          h("dt", null, "Id"),
          h("dd", null, h("code", null, t.id)),
          h("dt", null, "Secrets"),
          h("dd", null, secretsBlock()),
          h("dt", null, "LRS endpoint"),
          h("dd", null, opt(t.lrsEndpoint)),
          h("dt", null, "LRS user"),
          h("dd", null, opt(t.lrsUsername)),
          h("dt", null, "Keycloak token URL"),
          h("dd", null, opt(t.kcTokenUrl)),
          h("dt", null, "Keycloak client / user"),
          h("dd", null, `${opt(t.kcClientId)} / ${opt(t.kcUsername)}`),
          h("dt", null, "Created"),
          h("dd", null, time(t.createdAt)),
          h("dt", null, "Changed"),
          h("dd", null, time(t.updatedAt)),
        ),
      ),
      h("h2", { class: "section-title" }, "Settings ", h("span", { class: "muted small" }, "create and join parameters: defaults, or enforced with override")),
      t.settings.length === 0
        ? h("p", { class: "empty" }, "No settings.")
        : h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "table" },
              h("thead", null, h("tr", null, ["Parameter", "Value", "Mode", ...(app.can.manageTenants ? ["Actions"] : [])].map((x) => h("th", { scope: "col" }, x)))),
              h(
                "tbody",
                null,
                t.settings.map((s) =>
                  h(
                    "tr",
                    { "data-setting": s.param },
                    h("th", { scope: "row" }, h("code", null, s.param)),
                    h("td", null, h("code", { class: "wrap" }, s.value)),
                    h("td", null, s.override ? badge("override", "warn") : badge("default", "muted")),
                    app.can.manageTenants
                      ? h("td", { class: "col-actions" }, button("Remove", () => removeSetting(s), { small: true, kind: "danger", label: `Remove setting ${s.param}` }))
                      : null,
                  ),
                ),
              ),
            ),
          ),
    );
  };

  async function load(): Promise<void> {
    try {
      const d = await app.client.request<{ tenant: TenantDetail | null }>(detailQuery, { id });
      if (disposed || !d.tenant) return;
      tenant = d.tenant;
      render();
    } catch (e) {
      if (!disposed) replace(body, errorBox(e, `Loading tenant ${id}`), h("p", null, h("a", { href: app.href("tenants") }, "Back to the tenants")));
    }
  }

  async function revealSecrets(): Promise<void> {
    try {
      const r = await app.client.requestPartial<{ tenant: { secrets: string[] | null } | null }>("query TenantSecrets($id: ID!) { tenant(id: $id) { secrets } }", { id });
      if (r.errors.length) secretsError = new GraphQLError(r.errors);
      else secrets = r.data?.tenant?.secrets ?? [];
    } catch (e) {
      secretsError = e;
    }
    revealed = true;
    render();
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
        const input: Record<string, unknown> = {};
        if (String(v.name).trim() !== tenant?.name) input.name = String(v.name).trim();
        const s = secretsList(String(v.secrets));
        if (s.length) input.secrets = s;
        await app.client.request("mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) { updateTenant(id: $id, input: $input) { id } }", { id: tenant!.id, input });
        revealed = false;
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
        await app.client.request("mutation AddSetting($input: AddTenantSettingInput!) { addTenantSetting(input: $input) { id } }", {
          input: { tenant: tenant!.id, param: String(v.param).trim(), value: String(v.value), override: v.override === true },
        });
        notify(`Setting ${String(v.param).trim()} added.`);
      },
    }).then((c) => (c ? load() : undefined));

  const removeSetting = async (s: Setting) => {
    const ok = await confirmDialog({ title: `Remove setting ${s.param}?`, body: h("p", null, `${s.param}=${s.value} no longer applies to ${tenant?.name}'s meetings.`), confirm: "Remove", danger: true });
    if (!ok) return;
    try {
      await app.client.request("mutation RemoveSetting($id: ID!) { removeTenantSetting(id: $id) { id } }", { id: s.id });
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
      await app.client.request("mutation RemoveTenant($id: ID!) { removeTenant(id: $id) { id } }", { id: tenant.id });
      notify(`Tenant ${tenant.name} removed.`);
      app.navigate("tenants");
    } catch (e) {
      notifyError(`Remove tenant ${tenant.name}`, e);
    }
  };

  replace(el, h("div", { class: "view-head" }, heading, h("a", { href: app.href("tenants") }, "← Tenants")), body);
  void load();
  return { title: "Tenant", el, dispose: () => (disposed = true) };
}
