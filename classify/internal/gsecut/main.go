// Command gsecut is the baseline of the classification benchmarks: it reads
// the same JSONL {"id","title","text"} as `guazheng classify` and does
// nothing but gse's Cut(title+"\n"+text, true) with gse's embedded
// dictionary, writing the word count per line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/go-ego/gse"
)

func main() {
	var seg gse.Segmenter
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		fmt.Fprintln(os.Stderr, "gsecut:", err)
		os.Exit(1)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var p struct{ Title, Text string }
		if err := json.Unmarshal(in.Bytes(), &p); err != nil {
			continue
		}
		fmt.Fprintln(out, len(seg.Cut(p.Title+"\n"+p.Text, true)))
	}
}
