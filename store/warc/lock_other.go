//go:build !unix

package warc

import "os"

func lockFile(f *os.File) error { return nil }

// TryLock always reports true where advisory locks are not available.
func TryLock(path string) (bool, error) { return true, nil }
