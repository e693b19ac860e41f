//go:build unix && !linux

package testprocs

import "syscall"

// dieWithParent is a no-op where the kernel cannot tie a child's life to its parent.
func dieWithParent(*syscall.SysProcAttr) {}
