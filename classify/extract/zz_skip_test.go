package extract

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func corpusNorm(b *testing.B) ([]string, int) {
	_, n := setup(b)
	files, _ := filepath.Glob("../../testdata/corpus/*.jsonl")
	var out []string
	size := 0
	for _, f := range files {
		fh, _ := os.Open(f)
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var item struct{ Title, Text string }
			json.Unmarshal(sc.Bytes(), &item)
			s := n.Normalize(item.Title + "\n" + item.Text).Norm
			out = append(out, s)
			size += len(s)
		}
	}
	return out, size
}

func BenchmarkZZSkipTo(b *testing.B) {
	texts, size := corpusNorm(b)
	b.SetBytes(int64(size))
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			for p := 0; p < len(s); p++ {
				p = skipTo(s, p, clWeChat)
			}
		}
	}
}

func BenchmarkZZSkipBits(b *testing.B) {
	x, _ := setup(b)
	texts, size := corpusNorm(b)
	b.SetBytes(int64(size))
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			for p := 0; p < len(s); p++ {
				p = skipBits(s, p, &x.certs.startBits)
			}
		}
	}
}

func BenchmarkZZRange(b *testing.B) {
	texts, size := corpusNorm(b)
	b.SetBytes(int64(size))
	k := 0
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			for _, r := range s {
				k += int(r)
			}
		}
	}
	_ = k
}
