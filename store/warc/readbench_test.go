package warc

import (
	"bytes"
	stdgzip "compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

func randomHTML(size int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields("招聘 建造师 一级 二级 市政 机电 建筑 公路 水利 造价 监理 安全员 资料员 <div class=\"item\"> </div> <a href=\"/job/ \">")
	var b bytes.Buffer
	for b.Len() < size {
		b.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(4) == 0 {
			b.WriteString(string(rune('0' + rng.IntN(10))))
		}
	}
	return b.Bytes()
}

// BenchmarkRead reads back one response record per iteration, with the
// reader Verify uses; MB/s are of compressed bytes.
func BenchmarkRead(b *testing.B) {
	dir := b.TempDir()
	w := NewWriter(WriterOptions{Dir: dir})
	body := randomHTML(50 << 10)
	batch, err := w.Write(capture(1, body)...)
	if err != nil {
		b.Fatal(err)
	}
	w.Close()
	f, _ := os.Open(filepath.Join(dir, batch.Locations[1].File))
	defer f.Close()
	l := batch.Locations[1]
	raw := make([]byte, l.Length)
	f.ReadAt(raw, l.Offset)
	b.Run("member+check", func(b *testing.B) {
		var mr MemberReader
		b.SetBytes(l.Length)
		for i := 0; i < b.N; i++ {
			p, err := mr.ReadAt(f, l.Offset, l.Length)
			if err != nil || len(p.Check()) > 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("inflate/klauspost", func(b *testing.B) {
		b.SetBytes(l.Length)
		zr, _ := kgzip.NewReader(bytes.NewReader(raw))
		for i := 0; i < b.N; i++ {
			zr.Reset(bytes.NewReader(raw))
			io.Copy(io.Discard, zr)
		}
	})
	b.Run("inflate/stdlib", func(b *testing.B) {
		b.SetBytes(l.Length)
		zr, _ := stdgzip.NewReader(bytes.NewReader(raw))
		for i := 0; i < b.N; i++ {
			zr.Reset(bytes.NewReader(raw))
			io.Copy(io.Discard, zr)
		}
	})
}
