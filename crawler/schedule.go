package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/guazheng/guazheng"
	"github.com/robfig/cron/v3"
)

// ScheduleOptions tune Schedule.
type ScheduleOptions struct {
	// RunAtStart crawls every site once at start, before its first tick.
	RunAtStart bool
	// OnRun, if set, is called after every run with its stats and error.
	OnRun func(site string, st *guazheng.RunStats, err error)
}

// Schedule crawls each enabled site on its cron schedule until ctx is done,
// never running two crawls of one site at once (a tick that finds the site
// still crawling is skipped). On cancellation it stops the ticks, lets the
// running crawls release their claimed URLs and returns nil.
func (c *Crawler) Schedule(ctx context.Context, o ScheduleOptions) error {
	sched := cron.New(cron.WithLogger(cronLogger{c.log}), cron.WithChain(cron.Recover(cronLogger{c.log})))
	var wg sync.WaitGroup
	job := func(name string) {
		st, err := c.Crawl(ctx, name)
		switch {
		case errors.Is(err, ErrRunning):
			c.log.Info("tick skipped: site still crawling", "site", name)
		case err != nil && ctx.Err() == nil:
			c.log.Error("crawl failed", "site", name, "err", err)
		}
		if o.OnRun != nil && !errors.Is(err, ErrRunning) {
			o.OnRun(name, st, err)
		}
	}
	n := 0
	for i := range c.cfg.Sites {
		s := &c.cfg.Sites[i]
		if !s.IsEnabled() {
			continue
		}
		name := s.Name
		if _, err := sched.AddFunc(s.Schedule, func() { job(name) }); err != nil {
			return fmt.Errorf("schedule site %q: %w", name, err)
		}
		n++
		if o.RunAtStart {
			wg.Add(1)
			go func() {
				defer wg.Done()
				job(name)
			}()
		}
	}
	if n == 0 {
		return errors.New("schedule: no enabled site")
	}
	c.log.Info("scheduler started", "sites", n)
	sched.Start()
	<-ctx.Done()
	stopped := sched.Stop()
	wg.Wait()
	<-stopped.Done()
	c.log.Info("scheduler stopped")
	return nil
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
