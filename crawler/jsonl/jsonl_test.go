package jsonl

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/guazheng/guazheng"
)

func cp(key, text string) guazheng.ClassifiedPost {
	return guazheng.ClassifiedPost{Post: guazheng.Post{Site: "s", Key: key, URL: key, Title: "t", Text: text},
		Verdict: guazheng.Verdict{Flagged: text == "挂证", RuleSet: "v1"}}
}

func readRecords(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "posts.jsonl")
	w, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	c := &guazheng.Capture{URL: "http://h/1", FinalURL: "http://h/1", Status: 200, Body: []byte("<p>x</p>"), Charset: "utf-8"}
	ch, err := w.Ingest(ctx, c, []guazheng.ClassifiedPost{cp("a", "挂证"), cp("b", "招聘")})
	if err != nil || !slices.Equal(ch, []guazheng.PostChange{guazheng.PostNew, guazheng.PostNew}) {
		t.Fatalf("%v %v", ch, err)
	}
	ch, _ = w.Ingest(ctx, c, []guazheng.ClassifiedPost{cp("a", "挂证"), cp("b", "招聘 改")})
	if !slices.Equal(ch, []guazheng.PostChange{guazheng.PostUnchanged, guazheng.PostChanged}) {
		t.Fatalf("second ingest %v", ch)
	}
	w.TakeDown(ctx, &guazheng.Capture{URL: "http://h/1", Status: 404})
	// A torn last line (killed mid-write) is ignored on reopen.
	w.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"kind":"post","post":{"site":"s","ke`)
	f.Close()
	w, err = Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	ch, _ = w.Ingest(ctx, c, []guazheng.ClassifiedPost{cp("a", "挂证"), cp("b", "招聘 改"), cp("c", "新")})
	if !slices.Equal(ch, []guazheng.PostChange{guazheng.PostUnchanged, guazheng.PostUnchanged, guazheng.PostNew}) {
		t.Fatalf("after reopen %v", ch)
	}
	w.Close()
	// The record after the torn line survives a second reopen.
	w, _ = Open(path, false)
	defer w.Close()
	if ch, _ := w.Ingest(ctx, c, []guazheng.ClassifiedPost{cp("c", "新")}); ch[0] != guazheng.PostUnchanged {
		t.Fatalf("record after a torn line lost: %v", ch)
	}
}

func TestRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "posts.jsonl")
	w, _ := Open(path, false)
	c := &guazheng.Capture{URL: "http://h/1", FinalURL: "http://h/2", Redirects: []string{"http://h/1"}, Status: 200,
		Body: []byte("abc"), ServerIP: "127.0.0.1", Charset: "gb18030", Truncated: true}
	w.Ingest(ctx, c, []guazheng.ClassifiedPost{cp("a", "挂证")})
	w.TakeDown(ctx, c)
	w.Close()
	recs := readRecords(t, path)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if r.Kind != "post" || r.Change != "new" || r.Post.Key != "a" || !r.Verdict.Flagged || r.Hash != ContentHash(*r.Post) ||
		r.Capture.FinalURL != "http://h/2" || r.Capture.BodySize != 3 || r.Capture.ServerIP != "127.0.0.1" || !r.Capture.Truncated ||
		r.Capture.BodySHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("post record %+v", r)
	}
	if recs[1].Kind != "takedown" || recs[1].Capture.URL != "http://h/1" {
		t.Errorf("takedown record %+v", recs[1])
	}
}
