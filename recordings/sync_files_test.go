package recordings

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
)

// recordings:update puts every recording's files in the tree its index says, reports what it
// changed and what is missing, and changes nothing the second time.
func TestSyncFiles(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		svc := NewService(ServiceDeps{Store: store, Files: e.files})
		ids := map[string]string{}
		for i, name := range []string{"stray", "both", "lost", "fine", "gone"} {
			spec := recSpec{ID: testRecordID(name, i+1), MeetingID: name, Published: true, Start: int64(1700000000000 + i)}
			ids[name] = spec.ID
			if err := e.im.ImportFile(ctx(), e.spool(name+".tar", buildTar(t, recordingEntries(spec, "presentation", "podcast")))); err != nil {
				t.Fatal(err)
			}
		}
		// "stray": unpublished in the index, its files back in the publish tree (Scalelite's case).
		if err := svc.Publish(ctx(), "", []string{ids["stray"]}, false); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"presentation", "podcast"} {
			move(t, e.files.Path(f, ids["stray"], false), e.files.Path(f, ids["stray"], true))
		}
		// "both": a stale copy of one format in the unpublish tree.
		copyDir(t, e.files.Path("presentation", ids["both"], true), e.files.Path("presentation", ids["both"], false))
		// "lost": one format's files are nowhere.
		if err := os.RemoveAll(e.files.Path("podcast", ids["lost"], true)); err != nil {
			t.Fatal(err)
		}
		// "gone": deleted; its leftovers are not touched.
		if err := svc.Delete(ctx(), "", []string{ids["gone"]}); err != nil {
			t.Fatal(err)
		}
		leftover := e.files.Path("presentation", ids["gone"], true)
		if err := os.MkdirAll(leftover, 0o755); err != nil {
			t.Fatal(err)
		}

		var got []string
		sum, err := svc.SyncFiles(ctx(), func(r FileSync) { got = append(got, r.Action+" "+r.Format+"/"+r.RecordID) })
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		want := []string{
			"missing podcast/" + ids["lost"],
			"moved podcast/" + ids["stray"],
			"moved presentation/" + ids["stray"],
			"removed-stale-copy presentation/" + ids["both"],
		}
		slices.Sort(want)
		if !slices.Equal(got, want) || sum != (FileSyncSummary{Recordings: 4, Moved: 2, Removed: 1, Missing: 1}) {
			t.Errorf("got %v %+v, want %v", got, sum, want)
		}
		for _, f := range []string{"presentation", "podcast"} {
			mustExist(t, filepath.Join(e.files.Path(f, ids["stray"], false), "index.html"))
			mustNotExist(t, e.files.Path(f, ids["stray"], true))
		}
		mustExist(t, filepath.Join(e.files.Path("presentation", ids["both"], true), "index.html"))
		mustNotExist(t, e.files.Path("presentation", ids["both"], false))
		mustExist(t, e.files.Path("presentation", ids["gone"], true))

		got = nil
		sum, err = svc.SyncFiles(ctx(), func(r FileSync) { got = append(got, r.Action+" "+r.Format+"/"+r.RecordID) })
		if err != nil || len(got) != 1 || sum.Missing != 1 || sum.Moved+sum.Removed+sum.Failed != 0 {
			t.Errorf("second run: %v %+v %v", got, sum, err)
		}
	})
}

func move(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}
