//go:build unix

package warc

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f, held until f is closed.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// TryLock reports whether no other process holds the lock of the file at
// path (that is, whether no writer is appending to it), taking and releasing
// the lock.
func TryLock(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if err == syscall.EWOULDBLOCK {
			return false, nil
		}
		return false, err
	}
	return true, nil
}
