//go:build !unix

package recordings

// locksSupported reports whether lockDir locks on this platform.
const locksSupported = false

// lockDir does not lock here: removeStaleWork falls back to the directories' age.
func lockDir(string, bool) (func(), error) { return func() {}, nil }
