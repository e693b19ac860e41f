package recordings

import (
	"net/http"
	"regexp"
	"strings"
)

// player answers below /playback/: the BBB presentation player (PlayerDir) and Scalelite's
// nginx rules, with every older player URL sent to the current player.
//
//   - /playback/presentation/2.3/...: the player's files, index.html for any other path (nginx's
//     try_files), when PlayerDir is set;
//   - /playback/presentation[/<version>]/playback.html?meetingId=<id> (0.81, 0.9.0, 2.0 ...):
//     301 to /playback/presentation/2.3/<id>;
//   - /playback/presentation/<version>/<id>[/...] for another version than 2.3: 301 to
//     /playback/presentation/2.3/<id> (Scalelite's nginx serves the 2.3 player's index.html at
//     the old path, where the player cannot find the recording);
//   - /playback/<format>/... for video and every other playback format of
//     RECORDING_PLAYBACK_FORMATS: 307 to /<format>/..., as Scalelite's nginx does for video;
//   - anything else: the not-found page (Scalelite's nginx answers the 2.3 player's index.html).
func (p *Playback) player(w http.ResponseWriter, r *http.Request, rest string) {
	format, sub, _ := strings.Cut(rest, "/")
	switch {
	case format == "presentation":
		p.presentationPlayer(w, r, sub)
	case (p.formats[format] || format == "video") && sub != "":
		redirect(w, "/"+format+"/"+sub, r.URL.RawQuery, http.StatusTemporaryRedirect)
	default:
		p.notFound(w, r)
	}
}

var playerVersion = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

func (p *Playback) presentationPlayer(w http.ResponseWriter, r *http.Request, sub string) {
	version, path, _ := strings.Cut(sub, "/")
	recordID, _, _ := strings.Cut(path, "/")
	switch {
	case version == "2.3":
		if p.cfg.PlayerDir == "" {
			p.notFound(w, r)
			return
		}
		p.serveFile(w, r, p.cfg.PlayerDir, path, true)
	case version == "playback.html" || playerVersion.MatchString(version) && path == "playback.html":
		id := r.URL.Query().Get("meetingId")
		if !ValidRecordID(id) {
			p.notFound(w, r)
			return
		}
		redirect(w, "/playback/presentation/2.3/"+id, "", http.StatusMovedPermanently)
	case playerVersion.MatchString(version) && ValidRecordID(recordID):
		redirect(w, "/playback/presentation/2.3/"+recordID, r.URL.RawQuery, http.StatusMovedPermanently)
	default:
		p.notFound(w, r)
	}
}
