package main

import (
	"context"
	"errors"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// tenantsCommand is Scalelite's tenants rake tasks.
func tenantsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "tenants",
		Usage:  "list and manage tenants (MULTITENANCY_ENABLED)",
		Flags:  []cli.Flag{jsonFlag},
		Action: e.opsAction(0, 0, tenantAction(listTenants)),
		Commands: []*cli.Command{
			{Name: "list", Usage: "list tenants", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, tenantAction(listTenants))},
			{Name: "add", Usage: "add a tenant; SECRETS is ':'-separated", ArgsUsage: "NAME SECRETS", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(2, 2, tenantAction(addTenant))},
			{
				Name: "update", Usage: "rename a tenant or replace its secrets", ArgsUsage: "ID",
				Flags:  []cli.Flag{&cli.StringFlag{Name: "name", Usage: "new name"}, &cli.StringFlag{Name: "secrets", Usage: "new ':'-separated secrets"}, jsonFlag},
				Action: e.opsAction(1, 1, tenantAction(updateTenant)),
			},
			{
				Name: "update-lrs-basic", Usage: "send create an LRS (xAPI) payload with basic credentials; clears the Keycloak settings",
				ArgsUsage: "ID URL USER PASSWORD", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(4, 4, tenantAction(updateTenantLRSBasic)),
			},
			{
				Name: "update-lrs-kc", Usage: "send create an LRS (xAPI) payload with a Keycloak token (password grant); clears the basic credentials",
				ArgsUsage: "ID URL TOKEN_URL CLIENT_ID CLIENT_SECRET USER PASSWORD", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(7, 7, tenantAction(updateTenantLRSKeycloak)),
			},
			{Name: "remove", Usage: "remove a tenant and its settings", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, tenantAction(removeTenant))},
		},
	}
}

// tenantSettingsCommand is Scalelite's tenantSettings rake tasks.
func tenantSettingsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "tenant-settings",
		Usage:  "list and manage per-tenant create/join parameter defaults and overrides",
		Flags:  []cli.Flag{jsonFlag},
		Action: e.opsAction(0, 0, tenantAction(listTenantSettings)),
		Commands: []*cli.Command{
			{Name: "list", Usage: "list every tenant's settings", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, tenantAction(listTenantSettings))},
			{Name: "add", Usage: "add a setting; TENANT is an id or a name, OVERRIDE true or false", ArgsUsage: "TENANT PARAM VALUE OVERRIDE", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(4, 4, tenantAction(addTenantSetting))},
			{Name: "remove", Usage: "remove a setting", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, tenantAction(removeTenantSetting))},
		},
	}
}

// tenantJSON is a tenant for --json. LRS and Keycloak passwords and the client secret are left
// out (they are set, never shown).
type tenantJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Secrets     []string `json:"secrets"`
	LRSEndpoint string   `json:"lrsEndpoint,omitempty"`
	LRSUsername string   `json:"lrsUsername,omitempty"`
	KCTokenURL  string   `json:"kcTokenUrl,omitempty"`
	KCClientID  string   `json:"kcClientId,omitempty"`
	KCUsername  string   `json:"kcUsername,omitempty"`
}

func toTenantJSON(t *scalelite.Tenant) tenantJSON {
	return tenantJSON{ID: t.ID, Name: t.Name, Secrets: t.Secrets, LRSEndpoint: t.LRSEndpoint, LRSUsername: t.LRSUsername,
		KCTokenURL: t.KCTokenURL, KCClientID: t.KCClientID, KCUsername: t.KCUsername}
}

// tenantAction refuses tenant commands without multitenancy, as Scalelite does.
func tenantAction(act func(context.Context, *ops, *cli.Command, []string) error) func(context.Context, *ops, *cli.Command, []string) error {
	return func(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
		if !o.cfg.API.MultitenancyEnabled {
			return errors.New("Multitenancy is disabled, task can not be completed")
		}
		return act(ctx, o, cmd, args)
	}
}

func tenantErr(id string, err error) error {
	if scalelite.IsNotFound(err) {
		return errors.New("Couldn't find Tenant with id=" + id)
	}
	return cliError(err)
}

func listTenants(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	list, err := o.app.store.Tenants(ctx)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		out := make([]tenantJSON, 0, len(list))
		for _, t := range list {
			out = append(out, toTenantJSON(t))
		}
		return writeJSON(o.e.stdout, out)
	}
	if len(list) == 0 {
		o.println("No tenants exist")
	}
	for _, t := range list {
		o.printf("id: %s\n\tname: %s\n\tsecrets: %s\n", t.ID, t.Name, strings.Join(t.Secrets, ":"))
		if t.LRSEndpoint != "" {
			o.printf("\tlrs_endpoint: %s\n", t.LRSEndpoint)
		}
		if t.LRSUsername != "" {
			o.printf("\tlrs_username: %s\n", t.LRSUsername)
		}
		if t.KCTokenURL != "" {
			o.printf("\tkc_token_url: %s\n\tkc_client_id: %s\n\tkc_username: %s\n", t.KCTokenURL, t.KCClientID, t.KCUsername)
		}
	}
	return nil
}

func addTenant(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	t, err := o.tenants.Add(ctx, args[0], args[1])
	o.audit(ctx, "addTenant", map[string]any{"name": args[0], "secrets": args[1]}, err)
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, toTenantJSON(t))
	}
	o.println("OK")
	o.printf("New Tenant id: %s\n", t.ID)
	return nil
}

func updateTenant(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	var name, secrets *string
	audit := map[string]any{"id": args[0]}
	if cmd.IsSet("name") {
		v := cmd.String("name")
		name, audit["name"] = &v, v
	}
	if cmd.IsSet("secrets") {
		v := cmd.String("secrets")
		secrets, audit["secrets"] = &v, v
	}
	if name == nil && secrets == nil {
		return usagef("tenants update: give --name and/or --secrets")
	}
	t, err := o.tenants.Update(ctx, args[0], name, secrets)
	o.audit(ctx, "updateTenant", audit, err)
	return o.tenantUpdated(cmd, args[0], t, err)
}

// updateTenantLRSBasic is Scalelite's tenants:update_lrs_basic.
func updateTenantLRSBasic(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	b := scalelite.LRSBasic{Endpoint: args[1], Username: args[2], Password: args[3]}
	t, err := o.tenants.SetLRSBasic(ctx, args[0], b)
	o.audit(ctx, "updateTenantLRSBasic", map[string]any{"id": args[0], "lrsEndpoint": b.Endpoint, "lrsUsername": b.Username,
		"lrsPassword": b.Password}, err)
	return o.tenantUpdated(cmd, args[0], t, err)
}

// updateTenantLRSKeycloak is Scalelite's tenants:update_lrs_kc.
func updateTenantLRSKeycloak(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	k := scalelite.LRSKeycloak{Endpoint: args[1], TokenURL: args[2], ClientID: args[3], ClientSecret: args[4], Username: args[5], Password: args[6]}
	t, err := o.tenants.SetLRSKeycloak(ctx, args[0], k)
	o.audit(ctx, "updateTenantLRSKeycloak", map[string]any{"id": args[0], "lrsEndpoint": k.Endpoint, "kcTokenUrl": k.TokenURL,
		"kcClientId": k.ClientID, "kcClientSecret": k.ClientSecret, "kcUsername": k.Username, "kcPassword": k.Password}, err)
	return o.tenantUpdated(cmd, args[0], t, err)
}

// tenantUpdated prints the outcome of a tenant update.
func (o *ops) tenantUpdated(cmd *cli.Command, id string, t *scalelite.Tenant, err error) error {
	if err != nil {
		return tenantErr(id, err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, toTenantJSON(t))
	}
	o.println("OK")
	o.printf("Updated Tenant id: %s\n", t.ID)
	return nil
}

func removeTenant(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	err := o.tenants.Remove(ctx, args[0])
	o.audit(ctx, "removeTenant", map[string]any{"id": args[0]}, err)
	if err != nil {
		return tenantErr(args[0], err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"id": args[0], "removed": true})
	}
	o.println("OK")
	o.println("Tenant was successfully deleted.")
	return nil
}

type tenantSettingJSON struct {
	ID         string `json:"id"`
	TenantID   string `json:"tenantId"`
	TenantName string `json:"tenantName"`
	Param      string `json:"param"`
	Value      string `json:"value"`
	Override   bool   `json:"override"`
}

func listTenantSettings(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	tenants, err := o.app.store.Tenants(ctx)
	if err != nil {
		return err
	}
	settings, err := o.app.store.TenantSettings(ctx, "")
	if err != nil {
		return err
	}
	byTenant := map[string][]*scalelite.TenantSetting{}
	for _, s := range settings {
		byTenant[s.TenantID] = append(byTenant[s.TenantID], s)
	}
	if cmd.Bool("json") {
		out := []tenantSettingJSON{}
		for _, t := range tenants {
			for _, s := range byTenant[t.ID] {
				out = append(out, tenantSettingJSON{ID: s.ID, TenantID: t.ID, TenantName: t.Name, Param: s.Param, Value: s.Value, Override: s.Override})
			}
		}
		return writeJSON(o.e.stdout, out)
	}
	for _, t := range tenants {
		o.printf("Tenant: %s (id: %s)\n", t.Name, t.ID)
		for _, s := range byTenant[t.ID] {
			o.printf("\tid: %s\n\t\tparam: %s\n\t\tvalue: %s\n\t\toverride: %t\n", s.ID, s.Param, s.Value, s.Override)
		}
	}
	return nil
}

func addTenantSetting(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	override, err := scalelite.ParseOverride(args[3])
	if err != nil {
		return cliError(err)
	}
	s, err := o.tenants.AddSetting(ctx, args[0], args[1], args[2], override)
	o.audit(ctx, "addTenantSetting", map[string]any{"tenant": args[0], "param": args[1], "value": args[2], "override": override}, err)
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, tenantSettingJSON{ID: s.ID, TenantID: s.TenantID, Param: s.Param, Value: s.Value, Override: s.Override})
	}
	o.println("OK")
	o.printf("New TenantSetting id: %s\n", s.ID)
	return nil
}

func removeTenantSetting(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	err := o.tenants.RemoveSetting(ctx, args[0])
	o.audit(ctx, "removeTenantSetting", map[string]any{"id": args[0]}, err)
	if err != nil {
		if scalelite.IsNotFound(err) {
			return errors.New("Couldn't find TenantSetting with id=" + args[0])
		}
		return cliError(err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"id": args[0], "removed": true})
	}
	o.println("OK")
	return nil
}
