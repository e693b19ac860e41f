package bbb

import (
	"errors"
	"net/url"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// RedactURLError strips the query (and masks any password) from the URL of a *url.Error in err, so
// an error text never carries what a query holds: passwords, checksums, secrets.
func RedactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: scalelite.RedactURL(ue.URL), Err: ue.Err}
}
