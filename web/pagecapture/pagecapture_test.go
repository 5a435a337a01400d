package pagecapture

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/fetch"
)

type recSink struct {
	mu    sync.Mutex
	posts []guazheng.Post
	gone  int
}

func (s *recSink) Page(_ context.Context, c *guazheng.Capture, posts []guazheng.Post) (guazheng.PageResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts = append(s.posts, posts...)
	return guazheng.PageResult{New: len(posts)}, nil
}

func (s *recSink) Gone(context.Context, *guazheng.Capture) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gone++
	return nil
}

func TestCapture(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gbk":
			w.Header().Set("Content-Type", "text/html")
			// 收证 in GBK, declared only in <meta>.
			w.Write([]byte("<html><head><meta charset=\"gbk\"><title>\xca\xd5\xd6\xa4</title></head><body><p>\xca\xd5\xd6\xa4</p><script>x()</script></body></html>"))
		case "/gone":
			http.Error(w, "gone", http.StatusGone)
		default:
			http.Error(w, "boom", 500)
		}
	}))
	defer srv.Close()
	sink := &recSink{}
	c := &Capturer{Fetcher: fetch.New(nil, nil), Sink: sink, AllowPrivate: true}
	res, err := c.Capture(context.Background(), srv.URL+"/gbk")
	if err != nil || res.New != 1 || len(sink.posts) != 1 || sink.posts[0].Title != "收证" || sink.posts[0].Text != "收证" || sink.posts[0].Site != Site {
		t.Fatalf("capture: %+v %v %+v", res, err, sink.posts)
	}
	if _, err := c.Capture(context.Background(), srv.URL+"/gone"); err == nil || sink.gone != 1 {
		t.Errorf("gone: %v %d", err, sink.gone)
	}
	if _, err := c.Capture(context.Background(), srv.URL+"/x"); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("500: %v", err)
	}
	if _, err := c.Capture(context.Background(), "file:///etc/passwd"); err == nil {
		t.Error("file URL accepted")
	}
	c.AllowPrivate = false
	if _, err := c.Capture(context.Background(), srv.URL+"/gbk"); !errors.Is(err, ErrPrivate) {
		t.Errorf("loopback: %v", err)
	}
}

func TestExtract(t *testing.T) {
	title, text := Extract(`<html><head><title> 标题 </title><style>p{}</style></head><body><div>第一行<br>第二行</div><script>alert(1)</script><p>第 三  行</p></body></html>`)
	if title != "标题" || text != "第一行\n第二行\n第 三 行" {
		t.Errorf("Extract = %q %q", title, text)
	}
}
