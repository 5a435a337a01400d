// Package pagecapture captures one URL named in a complaint (投诉举报): it
// fetches the page with the crawler's fetcher, decodes it, takes the page's
// title and visible text as one post, and hands capture and post to a
// guazheng.Sink (the classifying, storing pipeline). A page that answers 404
// or 410 is recorded as gone.
package pagecapture

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/decode"
	"github.com/guazheng/guazheng/crawler/fetch"
)

// Site is the site name captures of complaint URLs are stored under.
const Site = "complaint"

// Capturer fetches single pages into a Sink.
type Capturer struct {
	Fetcher   *fetch.Fetcher
	Sink      guazheng.Sink
	UserAgent string
	Timeout   time.Duration // default 30s
	MaxBody   int64         // default 10 MiB
	// AllowPrivate permits loopback and private addresses (tests, demo);
	// otherwise they are refused, so that a complaint cannot make the server
	// fetch from the internal network.
	AllowPrivate bool
}

// ErrPrivate is returned for a URL whose host is a loopback or private
// address and AllowPrivate is off.
var ErrPrivate = errors.New("address is private or local")

func (c *Capturer) checkHost(ctx context.Context, u *url.URL) error {
	if c.AllowPrivate {
		return nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, u.Hostname())
	if err != nil {
		return fmt.Errorf("resolve %s: %w", u.Hostname(), err)
	}
	for _, ip := range ips {
		if ip.IP.IsLoopback() || ip.IP.IsPrivate() || ip.IP.IsLinkLocalUnicast() || ip.IP.IsUnspecified() {
			return fmt.Errorf("%s: %w", u.Hostname(), ErrPrivate)
		}
	}
	return nil
}

// Capture fetches raw, stores the capture with its page as one post, and
// returns what the sink made of it.
func (c *Capturer) Capture(ctx context.Context, raw string) (guazheng.PageResult, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return guazheng.PageResult{}, fmt.Errorf("not an http(s) URL: %q", raw)
	}
	if err := c.checkHost(ctx, u); err != nil {
		return guazheng.PageResult{}, err
	}
	timeout, maxBody := c.Timeout, c.MaxBody
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if maxBody <= 0 {
		maxBody = 10 << 20
	}
	ua := c.UserAgent
	if ua == "" {
		ua = "guazheng/" + guazheng.Version
	}
	cp, err := c.Fetcher.Fetch(ctx, fetch.Request{Site: Site, URL: raw, UserAgent: ua, Timeout: timeout, MaxRedirects: 5, MaxBody: maxBody,
		CheckRedirect: func(t *url.URL) error { return c.checkHost(ctx, t) }})
	if err != nil {
		return guazheng.PageResult{}, fmt.Errorf("fetch %s: %w", raw, err)
	}
	switch {
	case cp.Status == 404 || cp.Status == 410:
		if err := c.Sink.Gone(ctx, cp); err != nil {
			return guazheng.PageResult{}, err
		}
		return guazheng.PageResult{}, fmt.Errorf("page gone (HTTP %d)", cp.Status)
	case cp.Status < 200 || cp.Status > 299:
		return guazheng.PageResult{}, fmt.Errorf("HTTP %d", cp.Status)
	}
	dec := decode.Decode(cp.Body, cp.ResponseHeader.Get("Content-Type"), "")
	cp.Charset = dec.Charset
	title, text := Extract(dec.Text)
	key := cp.FinalURL
	if key == "" {
		key = raw
	}
	return c.Sink.Page(ctx, cp, []guazheng.Post{{Site: Site, Key: key, URL: key, Title: title, Text: text}})
}

// Extract returns the title and the visible text of an HTML page (script,
// style and template content left out, blocks on their own lines).
func Extract(page string) (title, text string) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		return "", page
	}
	title = strings.TrimSpace(doc.Find("title").First().Text())
	if title == "" {
		title = strings.TrimSpace(doc.Find("h1").First().Text())
	}
	body := doc.Find("body")
	body.Find("script, style, noscript, template, iframe").Remove()
	body.Find("br, p, div, li, tr, h1, h2, h3, h4, h5, h6, section, article").Each(func(_ int, s *goquery.Selection) {
		s.AppendHtml("\n")
	})
	var lines []string
	for _, l := range strings.Split(body.Text(), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return title, strings.Join(lines, "\n")
}
