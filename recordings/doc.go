// Package recordings moves BigBlueButton recordings from the BBB servers into the balancer and
// serves them: the safe tar extraction and metadata.xml parser, the lossless Importer (Run plus
// ImportFile), the file operations behind publish/unpublish/delete, the recording-ready
// callbacks, protected playback (one-time tokens and signed cookies) and the HTTPS upload
// endpoint used by the post_publish script in post_publish/.
//
// It depends on the domain (internal/scalelite) and the standard library only; stores, the
// token store and the locker are passed in as interfaces. See docs/recordings.md.
package recordings
