//go:build unix

package pgserver

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// serverCredential picks the account the server runs as. Not root: ourselves (nil).
// Root: the named account, else the first of "postgres" (Debian's package makes it for
// this purpose) and "nobody" that exists; no account is ever created.
func serverCredential(name string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	candidates := []string{"postgres", "nobody"}
	if name != "" {
		candidates = []string{name}
	}
	for _, c := range candidates {
		u, err := user.Lookup(c)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: false}, nil
	}
	return nil, fmt.Errorf("pgserver: PostgreSQL refuses to run as root and no unprivileged account (%v) exists: create one (useradd --system postgres) or run as another user", candidates)
}

// canEnter reports whether the account may traverse dir (search permission), judging by
// owner, group and other bits; supplementary groups are not consulted.
func canEnter(dir string, cred *syscall.Credential) bool {
	info, err := os.Stat(dir)
	if err != nil {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	mode := info.Mode().Perm()
	switch {
	case st.Uid == cred.Uid:
		return mode&0o100 != 0
	case st.Gid == cred.Gid:
		return mode&0o010 != 0
	default:
		return mode&0o001 != 0
	}
}
