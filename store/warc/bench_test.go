package warc

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWrite writes one capture (request, 50 KB HTML-like response,
// metadata) per iteration at several gzip levels; it reports the
// compressed share.
func BenchmarkWrite(b *testing.B) {
	body := randomHTML(50 << 10)
	for _, level := range []int{1, 2, 3, 4, 5, 6} {
		b.Run(fmt.Sprintf("level=%d", level), func(b *testing.B) {
			dir := b.TempDir()
			w := NewWriter(WriterOptions{Dir: dir, Level: level})
			b.SetBytes(int64(len(body)))
			for i := 0; i < b.N; i++ {
				if _, err := w.Write(capture(i, body)...); err != nil {
					b.Fatal(err)
				}
			}
			w.Close()
			files, _ := filepath.Glob(filepath.Join(dir, "*"))
			st, _ := os.Stat(files[0])
			b.ReportMetric(float64(st.Size())/float64(int64(b.N)*int64(len(body)))*100, "stored%")
		})
	}
}
