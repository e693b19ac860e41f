package scalelite

import "testing"

func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"postgres://scalelite:pw-1@db/scalelite?sslmode=require&password=pw-2": "postgres://scalelite:xxxxx@db/scalelite",
		"redis://:pw-3@cache:6379/1":                    "redis://:xxxxx@cache:6379/1",
		"https://lms.example/cb?token=t-4#frag":         "https://lms.example/cb",
		"http://bbb1/bigbluebutton/api/create?checksum": "http://bbb1/bigbluebutton/api/create",
		"sqlite:/var/lib/scalelite/scalelite.db":        "sqlite:/var/lib/scalelite/scalelite.db",
		"postgres://%zz":                                "(unparsable URL)",
		"":                                              "",
	} {
		if got := RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
