package classify

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/go-ego/gse"
)

// benchMix returns texts in the ratio of a crawl: nine job posts to one ad.
func benchMix(b *testing.B) []Item {
	b.Helper()
	files, _ := filepath.Glob("../testdata/corpus/*.jsonl")
	items, err := ReadCorpus(files...)
	if err != nil {
		b.Fatal(err)
	}
	var jobs, ads []Item
	for _, it := range items {
		switch it.Label {
		case "job":
			jobs = append(jobs, it)
		case "guazheng":
			ads = append(ads, it)
		}
	}
	var mix []Item
	for i := 0; i < len(ads); i++ {
		for k := 0; k < 9; k++ {
			mix = append(mix, jobs[(i*9+k)%len(jobs)])
		}
		mix = append(mix, ads[i])
	}
	return mix
}

func mixBytes(mix []Item) int64 {
	n := 0
	for _, it := range mix {
		n += len(it.Title) + 1 + len(it.Text)
	}
	return int64(n)
}

// BenchmarkClassifyMix measures classification of the 9:1 mix on one core.
func BenchmarkClassifyMix(b *testing.B) {
	e := engine(b)
	mix := benchMix(b)
	b.SetBytes(mixBytes(mix) / int64(len(mix)))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		it := &mix[i%len(mix)]
		e.Classify(it.Title, it.Text)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkGseCutMix is the baseline: bare gse segmentation of the same
// texts with gse's full embedded dictionary, nothing else.
func BenchmarkGseCutMix(b *testing.B) {
	var seg gse.Segmenter
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		b.Fatal(err)
	}
	mix := benchMix(b)
	b.SetBytes(mixBytes(mix) / int64(len(mix)))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		it := &mix[i%len(mix)]
		seg.Cut(it.Title+"\n"+it.Text, true)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkLoad measures start-up: parsing and compiling the embedded rules,
// loading the dictionary and running every inline test.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(""); err != nil {
			b.Fatal(err)
		}
	}
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heapMB")
}
