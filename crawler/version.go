package crawler

import (
	"strings"

	"github.com/guazheng/guazheng"
)

// versionToken is the tool version without build metadata, for the default
// User-Agent.
func versionToken() string {
	v, _, _ := strings.Cut(guazheng.Version, "+")
	return v
}
