package main

import (
	"context"
	"errors"
)

// Placeholders until the crawler lands (issue 3).
func runCrawl(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
func runDaemon(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
