package scalelite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Audit writes one audit entry for a mutation: actor ("cli", an API key name, ...), action
// (e.g. addServer), the arguments as JSON with secret-like fields masked, and the outcome ("ok"
// or err's message). It returns the store's error; callers usually only log it.
func Audit(ctx context.Context, store AuditStore, actor, action string, args any, err error) error {
	e := &AuditEntry{Time: time.Now(), Actor: actor, Action: action, Arguments: MaskArguments(args), Result: "ok"}
	if err != nil {
		e.Result = err.Error()
	}
	if werr := store.AddAuditEntry(ctx, e); werr != nil {
		return fmt.Errorf("audit %s: %w", action, werr)
	}
	return nil
}

// MaskedValue replaces secret-like values in audit arguments.
const MaskedValue = "***"

// MaskArguments renders args as JSON, replacing the value of every secret-like field (secret,
// secrets, password, key, token, and names ending in one of these or in "pw") by "***", at any depth.
func MaskArguments(args any) string {
	if args == nil {
		return "{}"
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return fmt.Sprintf("%q", "unserialisable arguments: "+err.Error())
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	out, _ := json.Marshal(maskValue(v))
	return string(out)
}

func maskValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if secretLike(k) && val != nil {
				x[k] = MaskedValue
				continue
			}
			x[k] = maskValue(val)
		}
	case []any:
		for i := range x {
			x[i] = maskValue(x[i])
		}
	}
	return v
}

func secretLike(name string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(name))
	for _, suffix := range []string{"secret", "secrets", "password", "passwords", "key", "keys", "token", "pw"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}
