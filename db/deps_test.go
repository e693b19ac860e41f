package db_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyDBImportsBun checks the third-party confinement rule: bun and golang-migrate are
// imported by db (and its tests) only.
func TestOnlyDBImportsBun(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(gobin, "list", "-e", "-f",
		`{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`,
		"github.com/scalelite-go/scalelite/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := fields[0]
		if pkg == "github.com/scalelite-go/scalelite/db" || strings.HasPrefix(pkg, "github.com/scalelite-go/scalelite/db/") {
			continue
		}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "github.com/uptrace/bun") || strings.HasPrefix(imp, "github.com/golang-migrate/migrate") {
				t.Errorf("%s imports %s; only db may", pkg, imp)
			}
		}
	}
}
