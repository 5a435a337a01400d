package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/guazheng/guazheng"
)

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version")
	dir := fs.String("rules", "", "report this rule directory's version instead of the embedded one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set, err := loadRuleSet(*dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "guazheng %s\n", guazheng.Version)
	src := "embedded"
	if *dir != "" {
		src = *dir
	}
	fmt.Fprintf(e.stdout, "rule set %s (%s, %d rules)\n", set.Version(), src, len(set.Rules))
	fmt.Fprintf(e.stdout, "go %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision", "vcs.time", "vcs.modified", "-tags", "CGO_ENABLED":
				fmt.Fprintf(e.stdout, "%s %s\n", s.Key, s.Value)
			}
		}
		for _, d := range bi.Deps {
			switch d.Path {
			case "github.com/go-ego/gse", "github.com/gocolly/colly/v2", "github.com/mattn/go-sqlite3":
				fmt.Fprintf(e.stdout, "%s %s\n", d.Path, d.Version)
			}
		}
	}
	return nil
}
