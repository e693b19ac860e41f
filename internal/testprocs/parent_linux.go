package testprocs

import "syscall"

// dieWithParent kills the server when the test binary dies before its cleanups run.
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
