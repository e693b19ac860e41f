package graph_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCodeIsFresh regenerates the gqlgen code in a copy of the module (the packages the
// schema binds to, the graph package and gqlgen.yml) and fails when it differs from the committed
// files: schema changes must come with `go generate ./graph/...`, and generated files are never
// edited by hand.
func TestGeneratedCodeIsFresh(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("regenerates code (slow)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "gqlgen.yml"} {
		copyFile(t, filepath.Join(root, f), filepath.Join(tmp, f))
	}
	for _, dir := range []string{"graph", "internal/scalelite", "internal/serversync", "internal/loadhistory"} {
		copyTree(t, filepath.Join(root, dir), filepath.Join(tmp, dir))
	}

	cmd := exec.Command("go", "tool", "gqlgen", "generate")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gqlgen generate: %v\n%s", err, out)
	}

	generated := func(base string) map[string][]byte {
		files := map[string][]byte{}
		for _, pattern := range []string{"graph/generated/*.go", "graph/model/models_gen.go", "graph/*.resolvers.go"} {
			matches, _ := filepath.Glob(filepath.Join(base, pattern))
			for _, m := range matches {
				b, err := os.ReadFile(m)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(base, m)
				files[rel] = b
			}
		}
		return files
	}
	want, got := generated(root), generated(tmp)
	for name, b := range got {
		if w, ok := want[name]; !ok {
			t.Errorf("%s: generated but not committed", name)
		} else if !bytes.Equal(w, b) {
			t.Errorf("%s: differs from a fresh generation; run go generate ./graph/...", name)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: committed but no longer generated", name)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the Go sources, schema files and testdata of a directory tree, without tests.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
