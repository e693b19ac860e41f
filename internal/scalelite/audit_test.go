package scalelite

import (
	"context"
	"errors"
	"testing"
)

func TestMaskArguments(t *testing.T) {
	tests := []struct {
		name string
		args any
		want string
	}{
		{"nil", nil, `{}`},
		{"plain", map[string]any{"id": "bbb1", "state": "enabled"}, `{"id":"bbb1","state":"enabled"}`},
		{"secret", map[string]any{"url": "https://x", "secret": "s3"}, `{"secret":"***","url":"https://x"}`},
		{"secrets list", map[string]any{"secrets": []string{"a", "b"}}, `{"secrets":"***"}`},
		{"nested and suffixes", map[string]any{"tenant": map[string]any{"lrs_password": "p", "name": "t"}, "moderatorPW": "m", "apiKey": "k", "kc_client_secret": "c"},
			`{"apiKey":"***","kc_client_secret":"***","moderatorPW":"***","tenant":{"lrs_password":"***","name":"t"}}`},
		{"struct fields", struct {
			ID     string `json:"id"`
			Secret string `json:"secret"`
		}{"x", "y"}, `{"id":"x","secret":"***"}`},
		{"null secret stays null", map[string]any{"secret": nil}, `{"secret":null}`},
		{"keepState is not a key", map[string]any{"keepState": true}, `{"keepState":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskArguments(tt.args); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

type auditRecorder struct{ entries []*AuditEntry }

func (r *auditRecorder) AddAuditEntry(_ context.Context, e *AuditEntry) error {
	r.entries = append(r.entries, e)
	return nil
}

func (r *auditRecorder) AuditEntries(context.Context, int64, int) ([]*AuditEntry, int, error) {
	return r.entries, len(r.entries), nil
}

func TestAudit(t *testing.T) {
	rec := &auditRecorder{}
	if err := Audit(context.Background(), rec, "cli", "addServer", map[string]string{"secret": "x"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := Audit(context.Background(), rec, "cli", "removeServer", map[string]string{"id": "a"}, errors.New("boom")); err != nil {
		t.Fatal(err)
	}
	if got := rec.entries[0]; got.Actor != "cli" || got.Action != "addServer" || got.Arguments != `{"secret":"***"}` || got.Result != "ok" || got.Time.IsZero() {
		t.Errorf("first entry = %+v", got)
	}
	if got := rec.entries[1].Result; got != "boom" {
		t.Errorf("result = %q, want boom", got)
	}
}
