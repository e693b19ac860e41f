// Control-plane API keys: list, create (the key is shown once), revoke.

import type { App, View } from "../app";
import { h, replace, time } from "../dom";
import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument, TenantNamesDocument, type ApiKeyRowFragment, type CreateApiKeyInput } from "../gql/graphql";
import { badge, button, confirmDialog, copyButton, errorBox, formDialog, notify, notifyError, showDialog } from "../ui";

type ApiKey = ApiKeyRowFragment;

export function apiKeysView(app: App): View {
  const el = h("section", { class: "view" });
  const results = h("div", null, h("p", { class: "loading", role: "status" }, "Loading…"));
  let disposed = false;

  async function load(): Promise<void> {
    try {
      const d = await app.client.request(ApiKeysDocument);
      if (disposed) return;
      const keys = [...d.apiKeys].sort((a, b) => Number(!!a.revokedAt) - Number(!!b.revokedAt) || b.createdAt.localeCompare(a.createdAt));
      replace(
        results,
        keys.length === 0
          ? h("p", { class: "empty" }, "No API keys in the database (ADMIN_API_KEY from the environment is not listed).")
          : h(
              "div",
              { class: "table-wrap" },
              h(
                "table",
                { class: "table" },
                h("thead", null, h("tr", null, ["Name", "Scope", "Status", "Created", "Last used", ...(app.can.manageKeys ? ["Actions"] : [])].map((t) => h("th", { scope: "col" }, t)))),
                h(
                  "tbody",
                  null,
                  keys.map((k) =>
                    h(
                      "tr",
                      { "data-key-name": k.name, class: k.revokedAt ? "row-muted" : undefined },
                      h("th", { scope: "row" }, k.name, h("div", { class: "muted small" }, h("code", null, k.id))),
                      h("td", null, h("code", null, k.scope)),
                      h("td", null, k.revokedAt ? [badge("revoked", "bad"), " ", time(k.revokedAt)] : badge("active", "ok")),
                      h("td", null, time(k.createdAt)),
                      h("td", null, time(k.lastUsedAt)),
                      app.can.manageKeys
                        ? h("td", { class: "col-actions" }, k.revokedAt ? null : button("Revoke", () => revoke(k), { small: true, kind: "danger", label: `Revoke ${k.name}` }))
                        : null,
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      if (!disposed) replace(results, errorBox(e, "Loading API keys", () => void load()));
    }
  }

  const create = async () => {
    let tenants: { value: string; label: string }[] = [];
    try {
      const d = await app.client.request(TenantNamesDocument);
      tenants = d.tenants.map((t) => ({ value: `tenant:${t.name}`, label: `tenant:${t.name} — that tenant's meetings and recordings` }));
    } catch {
      // Without tenants the scope list offers admin and readonly only.
    }
    let created: { key: string; apiKey: ApiKey } | null = null;
    const ok = await formDialog({
      title: "Create an API key",
      fields: [
        { name: "name", label: "Name", placeholder: "e.g. grafana", help: "Shown in the audit log. Absent: the scope plus a short id." },
        {
          name: "scope",
          label: "Scope",
          type: "select",
          value: "readonly",
          options: [
            { value: "readonly", label: "readonly — read everything, change nothing" },
            { value: "admin", label: "admin — everything, secrets included" },
            ...tenants,
          ],
        },
      ],
      submit: "Create key",
      onSubmit: async (v) => {
        const input: CreateApiKeyInput = { scope: String(v.scope) };
        if (String(v.name).trim()) input.name = String(v.name).trim();
        const d = await app.client.request(CreateApiKeyDocument, { input });
        created = d.createApiKey;
      },
    });
    if (!ok || !created) return;
    const c = created as { key: string; apiKey: ApiKey };
    await load();
    await showDialog(
      `Key ${c.apiKey.name} created`,
      h(
        "div",
        null,
        h("p", { class: "alert alert-warn" }, h("strong", null, "Copy it now: "), "it is shown this once and cannot be recovered (only its hash is stored)."),
        h("div", { class: "secret-box" }, h("code", { id: "created-key", class: "wrap" }, c.key), copyButton(c.key)),
        h("p", { class: "muted small" }, `Scope ${c.apiKey.scope}. Use it as Authorization: Bearer <key>.`),
      ),
      "I have copied it",
    );
  };

  const revoke = async (k: ApiKey) => {
    const ok = await confirmDialog({
      title: `Revoke ${k.name}?`,
      body: h("p", null, "Every client using this key is refused from now on. A revoked key cannot be restored."),
      confirm: "Revoke",
      danger: true,
    });
    if (!ok) return;
    try {
      await app.client.request(RevokeApiKeyDocument, { id: k.id });
      notify(`Key ${k.name} revoked.`);
    } catch (e) {
      notifyError(`Revoke ${k.name}`, e);
    }
    await load();
  };

  replace(
    el,
    h("div", { class: "view-head" }, h("h1", null, "API keys"), app.can.manageKeys ? h("div", { class: "toolbar" }, button("Create key", create, { kind: "primary" })) : null),
    results,
  );
  void load();
  return { title: "API keys", el, dispose: () => (disposed = true) };
}
