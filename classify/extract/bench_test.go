package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

// benchEach runs f over the benchmark texts, reporting MB/s of original text.
func benchEach(b *testing.B, f func(*Extractor, *normalize.Text)) {
	x, _ := setup(b)
	texts, size := benchTexts(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			f(x, t)
		}
	}
}

// BenchmarkContacts: MB/s of original text.
func BenchmarkContacts(b *testing.B) {
	benchEach(b, func(x *Extractor, t *normalize.Text) { x.Contacts(t) })
}

func BenchmarkCerts(b *testing.B) {
	benchEach(b, func(x *Extractor, t *normalize.Text) { x.Certs(t) })
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

func BenchmarkPrices(b *testing.B) {
	benchEach(b, func(x *Extractor, t *normalize.Text) { x.Prices(t) })
}

func BenchmarkQuantities(b *testing.B) {
	benchEach(b, func(x *Extractor, t *normalize.Text) { x.Quantities(t) })
}

// runExtractors runs the given extractors (all four when nil) over already
// normalised texts.
func runExtractors(b *testing.B, x *Extractor, texts []*normalize.Text, size int, only func(*Extractor, *normalize.Text)) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			if only != nil {
				only(x, t)
				continue
			}
			x.Contacts(t)
			x.Certs(t)
			x.Prices(t)
			x.Quantities(t)
		}
	}
}

// BenchmarkExtractors runs the four extractors on the benchmark texts,
// normalised once (normalisation is measured by classify/normalize).
func BenchmarkExtractors(b *testing.B) {
	x, _ := setup(b)
	texts, size := benchTexts(b)
	runExtractors(b, x, texts, size, nil)
}

// BenchmarkCorpus runs the extractors on the labelled corpus
// (testdata/corpus/*.jsonl: mostly ordinary job posts and news), normalised
// once: the realistic mix.
func BenchmarkCorpus(b *testing.B) {
	x, n := setup(b)
	files, _ := filepath.Glob("../../testdata/corpus/*.jsonl")
	var texts []*normalize.Text
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			var item struct{ Title, Text string }
			if json.Unmarshal([]byte(line), &item) != nil {
				continue
			}
			s := item.Title + "\n" + item.Text
			texts = append(texts, n.Normalize(s))
			size += len(s)
		}
	}
	if len(texts) == 0 {
		b.Skip("no corpus in testdata/corpus")
	}
	for _, c := range []struct {
		name string
		f    func(*Extractor, *normalize.Text)
	}{
		{"All", nil},
		{"Contacts", func(x *Extractor, t *normalize.Text) { x.Contacts(t) }},
		{"Certs", func(x *Extractor, t *normalize.Text) { x.Certs(t) }},
		{"Prices", func(x *Extractor, t *normalize.Text) { x.Prices(t) }},
		{"Quantities", func(x *Extractor, t *normalize.Text) { x.Quantities(t) }},
	} {
		b.Run(c.name, func(b *testing.B) { runExtractors(b, x, texts, size, c.f) })
	}
}
