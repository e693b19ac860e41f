// Package bbbsim simulates BigBlueButton servers on 127.0.0.1 for tests, demos and benchmarks
// (`scalelite bbbsim`). Each simulated server has its own random port and secret, verifies
// checksums with internal/bbb (any of the four algorithms) and answers the API with the shapes of
// bbb-web 3.0 (no XML declaration, compact documents, Content-Type text/xml):
//
//   - GET /bigbluebutton/api (and /api/): version document (no checksum needed)
//   - create (GET, POST form, POST XML body), join (302 to /html5client/join?sessionToken=... or XML
//     with redirect=false), end, isMeetingRunning, getMeetingInfo, getMeetings, insertDocument (POST
//     XML), getRecordings (always empty: noRecordings)
//   - GET /html5client/join?sessionToken=T: a small HTML page for a session made by join (404 for
//     an unknown token)
//   - any other API action: FAILED unsupportedRequest
//
// Every server can be controlled while it runs (SetDown, SetDelay, SetBlackhole, SetHTTPError,
// SetMalformed, SetUsers, EndAll), inspected (Meeting, Meetings) and keeps a record of every
// request it received (Calls, ResetCalls). Controls apply to every path of the server.
//
// Simplifications: ending a meeting is synchronous (BBB ends asynchronously); an ended meeting ID
// answers join with meetingForciblyEnded until it is created again; a meeting is "running" from its
// first join (or SetUsers with participants) until it ends, as BBB's startTime rule.
package bbbsim
