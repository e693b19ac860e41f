package bbbsim

import (
	"crypto/sha1"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Messages bbb-web uses.
const (
	msgMissingMeetingID = "You must specify a meeting ID for the meeting."
	msgNotFound         = "A meeting with that ID does not exist"
	msgDuplicate        = "This conference was already in existence and may currently be in progress."
	msgIDNotUnique      = "A meeting already exists with that meeting ID.  Please use a different meeting ID."
	msgInvalidMeeting   = "The meeting ID that you supplied did not match any existing meetings"
	msgForciblyEnded    = "You can not re-join a meeting that has been forcibly ended.  If you would like to rejoin this meeting, please create a new meeting with a different meeting ID."
	msgInvalidPassword  = "You either did not supply a password or the password supplied is neither the attendee or moderator password for this conference."
	msgEndSent          = "A request to end the meeting was sent.  Please wait a few seconds, and then use the getMeetingInfo or isMeetingRunning API calls to verify that it was ended."
	javaDateLayout      = "Mon Jan 02 15:04:05 MST 2006"
)

func get(p scalelite.Params, key string) string {
	v, _ := p.Get(key)
	return v
}

func (s *Server) create(w http.ResponseWriter, req request, p scalelite.Params) {
	id := get(p, "meetingID")
	switch {
	case strings.TrimSpace(id) == "":
		s.fail(w, "missingParamMeetingID", msgMissingMeetingID)
		return
	case strings.Contains(id, ","):
		s.fail(w, "validationError", "Meeting ID cannot contain ','")
		return
	case len(id) < 2 || len(id) > 256:
		s.fail(w, "validationError", "Meeting ID must be between 2 and 256 characters")
		return
	case strings.TrimSpace(get(p, "name")) == "":
		s.fail(w, "validationError", "You must provide a meeting name")
		return
	}
	apw, mpw := get(p, "attendeePW"), get(p, "moderatorPW")

	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.meetings[id]; ok {
		if (apw != "" && apw != m.AttendeePW) || (mpw != "" && mpw != m.ModeratorPW) {
			s.fail(w, "idNotUnique", msgIDNotUnique)
			return
		}
		m.CreateCalls++
		writeXML(w, createDoc(m, "duplicateWarning", msgDuplicate))
		return
	}

	now := s.opts.Now()
	created := now.UnixMilli()
	sum := sha1.Sum([]byte(id))
	if apw == "" {
		apw = randomToken(8)
	}
	if mpw == "" {
		mpw = randomToken(8)
	}
	s.seq++
	m := &SimMeeting{
		MeetingID:         id,
		InternalMeetingID: hex.EncodeToString(sum[:]) + "-" + strconv.FormatInt(created, 10),
		ParentMeetingID:   "bbb-none",
		Name:              get(p, "name"),
		AttendeePW:        apw,
		ModeratorPW:       mpw,
		VoiceBridge:       get(p, "voiceBridge"),
		DialNumber:        get(p, "dialNumber"),
		CreateTime:        created,
		CreateDate:        now.UTC().Format(javaDateLayout),
		Duration:          atoi(get(p, "duration")),
		MaxUsers:          atoi(get(p, "maxParticipants")),
		IsBreakout:        get(p, "isBreakout") == "true",
		Record:            get(p, "record") == "true",
		Params:            p,
		CreateCalls:       1,
		seq:               s.seq,
	}
	if m.IsBreakout && get(p, "parentMeetingID") != "" {
		m.ParentMeetingID = get(p, "parentMeetingID")
	}
	if m.VoiceBridge == "" {
		m.VoiceBridge = s.freeVoiceBridgeLocked()
	}
	if m.DialNumber == "" {
		m.DialNumber = "613-555-1234"
	}
	if req.kind == bodyXML {
		m.CreateBody = req.body
	}
	for _, q := range p {
		if k, ok := strings.CutPrefix(q.Key, "meta_"); ok && k != "" {
			if m.Metadata == nil {
				m.Metadata = map[string]string{}
			}
			m.Metadata[strings.ToLower(k)] = q.Value
		}
	}
	s.meetings[id] = m
	delete(s.ended, id)
	writeXML(w, createDoc(m, "", ""))
}

func (s *Server) freeVoiceBridgeLocked() string {
	for {
		vb := strconv.Itoa(10000 + rand.IntN(90000))
		inUse := false
		for _, m := range s.meetings {
			if m.VoiceBridge == vb {
				inUse = true
				break
			}
		}
		if !inUse {
			return vb
		}
	}
}

func createDoc(m *SimMeeting, key, message string) string {
	d := newDoc("SUCCESS")
	d.el("meetingID", m.MeetingID)
	d.el("internalMeetingID", m.InternalMeetingID)
	d.el("parentMeetingID", m.ParentMeetingID)
	d.el("attendeePW", m.AttendeePW)
	d.el("moderatorPW", m.ModeratorPW)
	d.int("createTime", m.CreateTime)
	d.el("voiceBridge", m.VoiceBridge)
	d.el("dialNumber", m.DialNumber)
	d.el("createDate", m.CreateDate)
	d.bool("hasUserJoined", m.HasUserJoined)
	d.int("duration", int64(m.Duration))
	d.bool("hasBeenForciblyEnded", false)
	d.el("messageKey", key)
	d.el("message", message)
	return d.finish()
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func (s *Server) join(w http.ResponseWriter, _ request, p scalelite.Params) {
	id, fullName := get(p, "meetingID"), get(p, "fullName")
	switch {
	case fullName == "":
		s.fail(w, "missingParamFullName", "You must specify a name for the attendee who will be joining the meeting.")
		return
	case id == "":
		s.fail(w, "missingParamMeetingID", msgMissingMeetingID)
		return
	}

	s.mu.Lock()
	m, ok := s.meetings[id]
	if !ok {
		ended := s.ended[id]
		s.mu.Unlock()
		if ended {
			s.fail(w, "meetingForciblyEnded", msgForciblyEnded)
		} else {
			s.fail(w, "invalidMeetingIdentifier", msgInvalidMeeting)
		}
		return
	}
	if ct, given := p.Get("createTime"); given && ct != strconv.FormatInt(m.CreateTime, 10) {
		s.mu.Unlock()
		s.fail(w, "mismatchCreateTimeParam", "The createTime parameter submitted mismatches with the current meeting.")
		return
	}
	role := strings.ToUpper(get(p, "role"))
	if role != "MODERATOR" && role != "VIEWER" {
		switch pw := get(p, "password"); {
		case pw != "" && pw == m.ModeratorPW:
			role = "MODERATOR"
		case pw != "" && pw == m.AttendeePW:
			role = "VIEWER"
		default:
			s.mu.Unlock()
			s.fail(w, "invalidPassword", msgInvalidPassword)
			return
		}
	}
	internal := "w_" + randomToken(12)
	a := SimAttendee{UserID: get(p, "userID"), InternalID: internal, FullName: fullName, Role: role,
		ClientType: "HTML5", SessionToken: randomToken(16)}
	if a.UserID == "" {
		a.UserID = internal
	}
	for _, q := range p {
		if k, ok := strings.CutPrefix(q.Key, "userdata-"); ok && k != "" {
			a.CustomData = append(a.CustomData, scalelite.Param{Key: k, Value: q.Value})
		}
	}
	if role == "MODERATOR" && !m.hasPresenter() {
		a.IsPresenter = true
	}
	m.Attendees = append(m.Attendees, a)
	s.startLocked(m)
	s.sessions[a.SessionToken] = session{meetingID: id, userID: internal}
	internalMeetingID := m.InternalMeetingID
	s.mu.Unlock()

	clientURL := "http://" + s.addr + clientPath + "?sessionToken=" + a.SessionToken
	http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: strings.ToUpper(randomHex(16)), Path: "/", HttpOnly: true})
	if strings.EqualFold(get(p, "redirect"), "false") {
		d := newDoc("SUCCESS")
		d.el("messageKey", "successfullyJoined")
		d.el("message", "You have joined successfully.")
		d.el("meeting_id", internalMeetingID)
		d.el("user_id", internal)
		d.el("auth_token", randomToken(12))
		d.el("session_token", a.SessionToken)
		d.el("guestStatus", "ALLOW")
		d.el("url", clientURL)
		writeXML(w, d.finish())
		return
	}
	w.Header().Set("Location", clientURL)
	w.WriteHeader(http.StatusFound)
}

func (m *SimMeeting) hasPresenter() bool {
	for _, a := range m.Attendees {
		if a.IsPresenter {
			return true
		}
	}
	return false
}

func (s *Server) end(w http.ResponseWriter, _ request, p scalelite.Params) {
	id := get(p, "meetingID")
	if id == "" {
		s.fail(w, "missingParamMeetingID", msgMissingMeetingID)
		return
	}
	s.mu.Lock()
	m, ok := s.meetings[id]
	switch {
	case !ok:
		s.mu.Unlock()
		s.fail(w, "notFound", msgNotFound)
		return
	case get(p, "password") != "" && get(p, "password") != m.ModeratorPW:
		s.mu.Unlock()
		s.fail(w, "invalidPassword", "You must supply the moderator password for this call.")
		return
	}
	s.endLocked(id)
	s.mu.Unlock()
	d := newDoc("SUCCESS")
	d.el("messageKey", "sentEndMeetingRequest")
	d.el("message", msgEndSent)
	writeXML(w, d.finish())
}

func (s *Server) isMeetingRunning(w http.ResponseWriter, _ request, p scalelite.Params) {
	id := get(p, "meetingID")
	if id == "" {
		s.fail(w, "missingParamMeetingID", msgMissingMeetingID)
		return
	}
	s.mu.RLock()
	m, ok := s.meetings[id]
	running := ok && m.Running
	s.mu.RUnlock()
	d := newDoc("SUCCESS")
	d.bool("running", running)
	writeXML(w, d.finish())
}

func (s *Server) getMeetingInfo(w http.ResponseWriter, _ request, p scalelite.Params) {
	id := get(p, "meetingID")
	if id == "" {
		s.fail(w, "missingParamMeetingID", msgMissingMeetingID)
		return
	}
	s.mu.RLock()
	m, ok := s.meetings[id]
	var b string
	if ok {
		d := newDoc("SUCCESS")
		d.meeting(m)
		b = d.finish()
	}
	s.mu.RUnlock()
	if !ok {
		s.fail(w, "notFound", msgNotFound)
		return
	}
	writeXML(w, b)
}

func (s *Server) getMeetings(w http.ResponseWriter, _ request, _ scalelite.Params) {
	s.mu.RLock()
	ms := s.sortedMeetingsLocked()
	size := 256
	for _, m := range ms {
		size += 1024 + 320*len(m.Attendees)
	}
	d := newDocSize("SUCCESS", size)
	if len(ms) == 0 {
		d.empty("meetings")
		d.el("messageKey", "noMeetings")
		d.el("message", "no meetings were found on this server")
	} else {
		d.open("meetings")
		for _, m := range ms {
			d.open("meeting")
			d.meeting(m)
			d.close("meeting")
		}
		d.close("meetings")
	}
	s.mu.RUnlock()
	writeXML(w, d.finish())
}

func (s *Server) insertDocument(w http.ResponseWriter, req request, p scalelite.Params) {
	id := get(p, "meetingID")
	if id == "" {
		s.fail(w, "missingParamMeetingID", msgMissingMeetingID)
		return
	}
	s.mu.Lock()
	m, ok := s.meetings[id]
	if ok {
		m.Documents = append(m.Documents, req.body)
	}
	s.mu.Unlock()
	if !ok {
		s.fail(w, "notFound", msgNotFound)
		return
	}
	d := newDoc("SUCCESS")
	d.el("message", "Presentation is being uploaded")
	writeXML(w, d.finish())
}

func (s *Server) getRecordings(w http.ResponseWriter, _ request, _ scalelite.Params) {
	d := newDoc("SUCCESS")
	d.empty("recordings")
	d.el("messageKey", "noRecordings")
	d.el("message", "There are no recordings for the meeting(s).")
	writeXML(w, d.finish())
}
