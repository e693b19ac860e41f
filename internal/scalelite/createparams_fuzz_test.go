package scalelite_test

import (
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// paramsOf reads "k=v&k2=v2" without decoding (a bare key has no "=").
func paramsOf(s string) scalelite.Params {
	var out scalelite.Params
	for _, item := range strings.Split(s, "&") {
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		out = append(out, scalelite.Param{Key: k, Value: v, Bare: !ok})
	}
	return out
}

func repeatsAKey(p scalelite.Params) bool {
	seen := map[string]bool{}
	for _, kv := range p {
		if seen[kv.Key] {
			return true
		}
		seen[kv.Key] = true
	}
	return false
}

// FuzzMerge: the parameters sent to BBB hold every key once, with the value the precedence
// gives (tenant override, env override, the client's, tenant default, env default), never a key
// nobody gave and never a meta_server-tag that the client did not send. Client lists that repeat a key are refused at
// the BBB API's edge (one rule for repeats), so Merge is not asked to choose among them.
func FuzzMerge(f *testing.F) {
	f.Add("meetingID=t1-x&name=x", "record=false", "record=true", "welcome=hi", "logo=x", "meetingID,name")
	f.Add("meetingID=a&meta_server-tag=big&duration=5", "meta_server-tag=small&duration=10", "", "maxParticipants=3", "", "")
	f.Add("attendeePW=a&moderatorPW=m&meetingID=r", "", "moderatorPW=forced", "", "attendeePW=tenant", "")
	f.Add("meetingID=r", "a=1&a=2", "b=1&b=2", "", "", "")
	f.Fuzz(func(t *testing.T, client, envDefaults, envOverrides, tenantDefaults, tenantOverrides, exclude string) {
		params := paramsOf(client)
		if repeatsAKey(params) {
			t.Skip("the BBB API refuses repeated parameters before any merge")
		}
		pp := scalelite.ParamPolicy{Defaults: paramsOf(envDefaults), Overrides: paramsOf(envOverrides),
			Exclude: strings.Split(exclude, ",")}
		tp := scalelite.TenantParams{Defaults: paramsOf(tenantDefaults), Overrides: paramsOf(tenantOverrides)}
		sent := pp.PassThrough(params)
		out := pp.Merge(sent, tp)
		if repeatsAKey(out) {
			t.Fatalf("merged parameters repeat a key: %+v", out)
		}
		want := func(key string) (string, bool) {
			sources := []scalelite.Params{tp.Overrides, pp.Overrides, sent, tp.Defaults, pp.Defaults}
			if key == scalelite.ParamServerTag {
				sources = sources[2:3] // resolved apart (ServerTag), only the client's is passed on
			}
			for _, src := range sources {
				if v, ok := lastValue(src, key); ok {
					return v, true
				}
			}
			return "", false
		}
		keys := map[string]bool{}
		for _, src := range []scalelite.Params{sent, pp.Defaults, pp.Overrides, tp.Defaults, tp.Overrides} {
			for _, kv := range src {
				keys[kv.Key] = true
			}
		}
		for key := range keys {
			got, inOut := lastValue(out, key)
			exp, expected := want(key)
			if inOut != expected || got != exp {
				t.Fatalf("key %q: sent %q (present %v), want %q (present %v)\nmerged %+v", key, got, inOut, exp, expected, out)
			}
		}
		for _, kv := range out {
			if !keys[kv.Key] {
				t.Fatalf("merged parameters invent key %q", kv.Key)
			}
		}
	})
}

// lastValue is the last value of key in p ("" for a bare key): an operator's list that repeats a
// key means its last value, as Scalelite reads DEFAULT_CREATE_PARAMS (Ruby's to_h). Client lists
// (which may not repeat keys) and the merged list have one value per key.
func lastValue(p scalelite.Params, key string) (v string, ok bool) {
	for _, kv := range p {
		if kv.Key == key {
			v, ok = kv.Value, true
		}
	}
	return v, ok
}
