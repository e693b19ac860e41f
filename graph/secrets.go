package graph

import (
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// joinSecrets renders a secret list as the services take it (':'-separated); a secret holding
// ':' could not be told apart, so it is refused.
func joinSecrets(secrets []string) (string, error) {
	for _, s := range secrets {
		if strings.Contains(s, ":") {
			return "", scalelite.Errorf(scalelite.EINVALID, "Tenant secrets must not contain ':'")
		}
	}
	return strings.Join(secrets, ":"), nil
}
