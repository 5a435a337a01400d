package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
)

// classifyInput is one line of `guazheng classify` input.
type classifyInput struct {
	ID    json.RawMessage `json:"id"`
	Title string          `json:"title"`
	Text  string          `json:"text"`
}

// classifyOutput is one verdict line.
type classifyOutput struct {
	ID json.RawMessage `json:"id"`
	guazheng.Verdict
}

// classifyError is written for a line that could not be read.
type classifyError struct {
	ID    json.RawMessage `json:"id,omitempty"`
	Line  int             `json:"line"`
	Error string          `json:"error"`
}

func runClassify(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "classify")
	dir := fs.String("rules", "", "rule directory (default: the rules embedded in the binary)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "classification goroutines")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: guazheng classify [--rules DIR] < posts.jsonl > verdicts.jsonl\n\nReads JSONL {\"id\",\"title\",\"text\"} and writes one verdict per line, in input order.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	eng, err := classify.Load(*dir)
	if err != nil {
		return err
	}
	return classifyStream(ctx, eng, e.stdin, e.stdout, max(*workers, 1))
}

// classifyStream classifies JSONL lines with several workers and writes the
// results in input order. A malformed line yields an error object.
func classifyStream(ctx context.Context, c guazheng.Classifier, in io.Reader, out io.Writer, workers int) error {
	type job struct {
		n    int
		line []byte
	}
	const batch = 64
	var wg sync.WaitGroup
	// Batches keep their order through a slot per batch: the writer waits for
	// batch k before k+1.
	type slot struct {
		done chan struct{}
		out  [][]byte
	}
	slots := make(chan *slot, workers*4)
	work := make(chan struct {
		s  *slot
		js []job
	}, workers*2)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range work {
				w.s.out = make([][]byte, len(w.js))
				for k, j := range w.js {
					w.s.out[k] = classifyLine(c, j.n, j.line)
				}
				close(w.s.done)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(slots)
		defer close(work)
		r := bufio.NewReaderSize(in, 1<<20)
		n := 0
		var js []job
		flush := func() bool {
			if len(js) == 0 {
				return true
			}
			s := &slot{done: make(chan struct{})}
			select {
			case slots <- s:
			case <-ctx.Done():
				return false
			}
			work <- struct {
				s  *slot
				js []job
			}{s, js}
			js = nil
			return true
		}
		for {
			line, err := r.ReadBytes('\n')
			if len(line) > 0 {
				n++
				if t := strings.TrimSpace(string(line)); t != "" {
					js = append(js, job{n, line})
				}
				if len(js) == batch && !flush() {
					readErr <- ctx.Err()
					return
				}
			}
			if err == io.EOF {
				flush()
				readErr <- nil
				return
			}
			if err != nil {
				flush()
				readErr <- fmt.Errorf("read input: %w", err)
				return
			}
		}
	}()
	w := bufio.NewWriterSize(out, 1<<20)
	var werr error
	for s := range slots {
		<-s.done
		for _, b := range s.out {
			if werr == nil {
				_, werr = w.Write(b)
			}
		}
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return err
	}
	if werr == nil {
		werr = w.Flush()
	}
	if werr != nil {
		return fmt.Errorf("write output: %w", werr)
	}
	return nil
}

func classifyLine(c guazheng.Classifier, n int, line []byte) []byte {
	var in classifyInput
	var b []byte
	if err := json.Unmarshal(line, &in); err != nil {
		b, _ = json.Marshal(classifyError{Line: n, Error: fmt.Sprintf("line %d: malformed JSON: %v", n, err)})
	} else if len(in.ID) == 0 || string(in.ID) == "null" {
		b, _ = json.Marshal(classifyError{Line: n, Error: fmt.Sprintf("line %d: missing \"id\"", n)})
	} else {
		b, _ = json.Marshal(classifyOutput{ID: in.ID, Verdict: c.Classify(in.Title, in.Text)})
	}
	return append(b, '\n')
}
