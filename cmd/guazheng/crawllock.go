package main

import (
	"fmt"
	"os"
	"syscall"
)

// crawlLock is an exclusive lock on "<db>.crawl.lock". The process that holds
// it is the only crawler of the database, so a run may end the leases a
// crashed crawler left behind instead of waiting for them to expire. The
// kernel drops the lock when the process dies, kill -9 included.
type crawlLock struct{ f *os.File }

// tryCrawlLock takes the lock without waiting; ok is false when another
// process holds it (then leases are left to expire, as they must).
func tryCrawlLock(db string) (l *crawlLock, ok bool, err error) {
	f, err := os.OpenFile(db+".crawl.lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("crawl lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, false, nil
	}
	return &crawlLock{f}, true, nil
}

func (l *crawlLock) release() {
	if l != nil {
		syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
	}
}
