package main

import (
	"context"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// apiKeysCommand manages the control plane's API keys (GraphQL at /graphql).
func apiKeysCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "api-keys",
		Usage:  "create, list and revoke the API keys of the GraphQL control plane",
		Flags:  []cli.Flag{jsonFlag},
		Action: e.opsAction(0, 0, listAPIKeys),
		Commands: []*cli.Command{
			{
				Name: "create", Usage: "create a key and print it (only once: only its hash is stored)",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "scope", Required: true, Usage: "admin, readonly or tenant:NAME"},
					&cli.StringFlag{Name: "name", Usage: "a name for the audit log (default: the scope and a short id)"},
					jsonFlag,
				},
				Action: e.opsAction(0, 0, createAPIKey),
			},
			{Name: "list", Usage: "list the keys (revoked ones included)", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, listAPIKeys)},
			{Name: "revoke", Usage: "revoke a key", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, revokeAPIKey)},
		},
	}
}

func (o *ops) apiKeys() *scalelite.APIKeyService { return o.app.apiKeys() }

// apiKeyJSON is a key as the commands print it with --json (never the hash).
type apiKeyJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Scope     string     `json:"scope"`
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	// LastUsedAt is the key's last recorded use (written at most once a minute per key).
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	Key        string     `json:"key,omitempty"`
}

func toAPIKeyJSON(k *scalelite.APIKey) apiKeyJSON {
	return apiKeyJSON{ID: k.ID, Name: k.Name, Scope: string(k.Scope), CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
}

func createAPIKey(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	name, scope := cmd.String("name"), cmd.String("scope")
	k, err := o.apiKeys().Create(ctx, name, scalelite.Scope(scope))
	o.audit(ctx, "createApiKey", map[string]any{"name": name, "scope": scope}, err)
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		out := toAPIKeyJSON(k.Record)
		out.Key = k.Key
		return writeJSON(o.e.stdout, out)
	}
	o.println("OK")
	o.printf("id: %s\nname: %s\nscope: %s\nkey: %s\n", k.Record.ID, k.Record.Name, k.Record.Scope, k.Key)
	o.println("Store the key now: it is not shown again (only its hash is kept).")
	return nil
}

func listAPIKeys(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	keys, err := o.apiKeys().List(ctx)
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		out := make([]apiKeyJSON, len(keys))
		for i, k := range keys {
			out[i] = toAPIKeyJSON(k)
		}
		return writeJSON(o.e.stdout, out)
	}
	if len(keys) == 0 {
		o.println("No API keys")
		return nil
	}
	for _, k := range keys {
		status := "active"
		if k.RevokedAt != nil {
			status = "revoked " + k.RevokedAt.UTC().Format(time.RFC3339)
		}
		lastUsed := "never"
		if k.LastUsedAt != nil {
			lastUsed = k.LastUsedAt.UTC().Format(time.RFC3339)
		}
		o.printf("id: %s\n\tname: %s\n\tscope: %s\n\tcreated: %s\n\tlast used: %s\n\t%s\n",
			k.ID, k.Name, k.Scope, k.CreatedAt.UTC().Format(time.RFC3339), lastUsed, status)
	}
	return nil
}

func revokeAPIKey(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	k, err := o.apiKeys().Revoke(ctx, args[0])
	o.audit(ctx, "revokeApiKey", map[string]any{"id": args[0]}, err)
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, toAPIKeyJSON(k))
	}
	o.println("OK")
	return nil
}
