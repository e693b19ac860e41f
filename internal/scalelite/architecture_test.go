package scalelite_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/scalelite-go/scalelite"

// packages lists the module's packages with their non-test imports (go list).
func packages(t *testing.T) map[string][]string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(gobin, "list", "-e", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			pkgs[strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")] = f[1:]
		}
	}
	return pkgs
}

func isStd(imp string) bool { return !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") }

// TestArchitecture checks the dependency rules of docs/architecture.md (style-anchors 3.2):
// the domain imports only the standard library; third-party libraries stay in their adapters;
// the roles never import the adapters, the server or each other's wiring; only cmd wires.
func TestArchitecture(t *testing.T) {
	pkgs := packages(t)
	confined := map[string][]string{ // third-party prefix -> packages allowed to import it
		"github.com/uptrace/bun":            {"db"},
		"github.com/golang-migrate/migrate": {"db"},
		"github.com/redis/rueidis":          {"internal/redisstore"},
		"github.com/gin-gonic/gin":          {"server", "bbbfacade", "cmd/scalelite-bench"},
		"github.com/99designs/gqlgen":       {"graph", "graph/generated", "graph/model", "cmd/scalelite"},
		"github.com/vektah/gqlparser":       {"graph", "graph/generated", "graph/model"},
	}
	roles := []string{"bbbfacade", "poller", "recordings", "graph", "adminapi", "internal/fsapi"}
	adapters := []string{"db", "internal/redisstore", "server", "cmd/"}
	for pkg, imports := range pkgs {
		for _, imp := range imports {
			own, isOwn := strings.CutPrefix(imp, module+"/")
			if pkg == "internal/scalelite" && !isStd(imp) {
				t.Errorf("the domain imports %s: it may import only the standard library", imp)
			}
			for prefix, allowed := range confined {
				if strings.HasPrefix(imp, prefix) && !inAny(pkg, allowed) {
					t.Errorf("%s imports %s; only %v may", pkg, imp, allowed)
				}
			}
			if isOwn && inAny(pkg, roles) {
				for _, a := range adapters {
					if strings.HasPrefix(own, a) && !(pkg == "graph" && own == "graph") {
						t.Errorf("role %s imports %s: roles get their stores and services from cmd", pkg, own)
					}
				}
			}
		}
	}
}

// inAny reports whether pkg is one of list or below one of them.
func inAny(pkg string, list []string) bool {
	for _, p := range list {
		if pkg == p || strings.HasPrefix(pkg, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

// TestFacadeHoldsNoOrchestration: a bbbfacade file parses, verifies, calls one service method
// and renders. It never places, ends, undoes or recovers a meeting itself, never calls a BBB
// server itself, and its Store reads nothing of meetings.
func TestFacadeHoldsNoOrchestration(t *testing.T) {
	forbidden := map[string][]string{ // receiver -> names the facade may not use on it
		"h.store":   {"PlaceMeeting", "UndoPlacement", "EndMeetings", "EndServerMeetings", "Reconcile", "UpdateCreateParams", "Meeting", "Meetings", "PutCallbackData", "Server"},
		"scalelite": {"MeetingStore", "PlaceRequest", "PlaceResult", "NewMeetingService", "RecoverRequest"},
		"bbb":       {"Client", "Backend", "NewClient", "NewBackend", "EndpointOf"},
		"http":      {"Client", "NewRequest", "NewRequestWithContext"},
	}
	for _, sel := range selectors(t, "bbbfacade") {
		for _, name := range forbidden[sel.recv] {
			if sel.name == name {
				t.Errorf("%s: bbbfacade uses %s.%s: orchestration belongs in a service (scalelite.MeetingService)", sel.pos, sel.recv, name)
			}
		}
	}
}

// TestOnlyCmdWires: the BBB client, the backend and the services are built in cmd only (one of
// each per process, shared by every role), never inside a role.
func TestOnlyCmdWires(t *testing.T) {
	constructors := map[string]bool{"NewClient": true, "NewBackend": true, "NewMeetingService": true,
		"NewServerService": true, "NewTenantService": true, "NewPassiveHealth": true}
	for _, dir := range []string{"bbbfacade", "poller", "recordings", "graph", "adminapi", "internal/fsapi", "server"} {
		for _, sel := range selectors(t, dir) {
			if constructors[sel.name] && (sel.recv == "bbb" || sel.recv == "scalelite") {
				t.Errorf("%s: %s builds %s.%s: only cmd/scalelite builds adapters and services", sel.pos, dir, sel.recv, sel.name)
			}
		}
	}
}

type selector struct {
	recv, name string
	pos        token.Position
}

// selectors returns every x.Name selector of the non-test Go files of dir (relative to the
// module root), with x printed as source.
func selectors(t *testing.T, dir string) []selector {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	fset := token.NewFileSet()
	var out []selector
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok {
				out = append(out, selector{recv: exprString(s.X), name: s.Sel.Name, pos: fset.Position(s.Pos())})
			}
			return true
		})
	}
	return out
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	}
	return "?"
}
