package webadmin_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestConsoleIsBuiltFromItsSources checks what is committed next to the console's sources, as
// TestGeneratedCodeIsFresh does for gqlgen's code: the TypeScript types graphql-codegen
// generates from graph/schema and src/operations (src/gql), that the sources type-check against
// them, and the embedded build (dist/). Like the end-to-end test it needs node and
// web-admin/node_modules.
func TestConsoleIsBuiltFromItsSources(t *testing.T) {
	if testing.Short() {
		t.Skip("runs codegen, tsc and esbuild")
	}
	node, _ := e2eTools(t)
	run := func(t *testing.T, env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(node, args...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("node %v: %v\n%s", args, err, out)
		}
	}

	t.Run("generated types", func(t *testing.T) {
		out := t.TempDir()
		run(t, []string{"CODEGEN_OUT=" + out + "/"}, filepath.Join("node_modules", "@graphql-codegen", "cli", "esm", "bin.js"), "--config", "codegen.ts", "--silent")
		sameTrees(t, filepath.Join("src", "gql"), out, "run npm run codegen in web-admin (the schema or src/operations changed)")
	})
	t.Run("type check", func(t *testing.T) {
		run(t, nil, filepath.Join("node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json")
	})
	t.Run("build", func(t *testing.T) {
		out := t.TempDir()
		run(t, []string{"OUT_DIR=" + out}, "build.mjs")
		sameTrees(t, "dist", out, "run npm run build in web-admin and commit dist/")
	})
}

// sameTrees fails unless the files under want and got are the same.
func sameTrees(t *testing.T, want, got, hint string) {
	t.Helper()
	read := func(root string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	w, g := read(want), read(got)
	for name, b := range g {
		if c, ok := w[name]; !ok {
			t.Errorf("%s/%s: generated but not committed; %s", want, name, hint)
		} else if !bytes.Equal(b, c) {
			t.Errorf("%s/%s: differs from a fresh generation; %s", want, name, hint)
		}
	}
	for name := range w {
		if _, ok := g[name]; !ok {
			t.Errorf("%s/%s: committed but no longer generated; %s", want, name, hint)
		}
	}
}
