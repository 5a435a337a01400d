package extract

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/guazheng/guazheng/classify/normalize"
)

// benchTexts are the realistic ~500-character ads and job post shared with
// the normalize benchmarks, normalised once.
func benchTexts(b *testing.B) ([]*normalize.Text, int) {
	_, n := setup(b)
	files, _ := filepath.Glob("../normalize/testdata/*.txt")
	var out []*normalize.Text
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, n.Normalize(string(data)))
		size += len(data)
	}
	if len(out) == 0 {
		b.Fatal("no testdata")
	}
	return out, size
}

// BenchmarkContacts: MB/s of original text.
func BenchmarkContacts(b *testing.B) {
	x, _ := setup(b)
	texts, size := benchTexts(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			x.Contacts(t)
		}
	}
}

func BenchmarkCerts(b *testing.B) {
	x, _ := setup(b)
	texts, size := benchTexts(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			x.Certs(t)
		}
	}
}

// BenchmarkAll normalises and runs every extractor, as the classifier does.
func BenchmarkAll(b *testing.B) {
	x, n := setup(b)
	texts, size := benchTexts(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			t2 := n.Normalize(t.Orig)
			x.Contacts(t2)
			x.Certs(t2)
			x.Prices(t2)
			x.Quantities(t2)
		}
	}
}
