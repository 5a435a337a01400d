package normalize

import (
	"os"
	"path/filepath"
	"testing"
)

func benchTexts(b *testing.B) []string {
	b.Helper()
	files, _ := filepath.Glob("testdata/*.txt")
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, string(data))
	}
	if len(out) == 0 {
		b.Fatal("no testdata")
	}
	return out
}

// BenchmarkNormalize normalises a few realistic ~500-character ads and job
// posts; the MB/s figure is original bytes per second.
func BenchmarkNormalize(b *testing.B) {
	texts := benchTexts(b)
	n := New()
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			_ = n.Normalize(t)
		}
	}
}

func BenchmarkNormalizeEach(b *testing.B) {
	files, _ := filepath.Glob("testdata/*.txt")
	n := New()
	for _, f := range files {
		data, _ := os.ReadFile(f)
		t := string(data)
		b.Run(filepath.Base(f), func(b *testing.B) {
			b.SetBytes(int64(len(t)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = n.Normalize(t)
			}
		})
	}
}

// BenchmarkBuildTables measures what the first New in a process costs.
func BenchmarkBuildTables(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := buildTables(); err != nil {
			b.Fatal(err)
		}
	}
}
