package guazheng

import (
	"context"
	"fmt"
)

// ClassifiedPost is a post with the verdict the classifier gave it.
type ClassifiedPost struct {
	Post    Post    `json:"post"`
	Verdict Verdict `json:"verdict"`
}

// PostChange says what storing one post did.
type PostChange int

// What storing a post can do.
const (
	PostUnchanged PostChange = iota // same content as the latest stored version
	PostNew                         // first time this site+key was seen
	PostChanged                     // content differs: a new version was added
)

// Ingester stores what the pipeline hands it. Ingest keeps the capture and,
// for each post, its new version (if changed), verdict and entities, one
// transaction per post; it returns one PostChange per post. TakeDown records
// that the posts published at the capture's URL have vanished (404/410 or a
// site's "deleted" page) and keeps everything captured before.
type Ingester interface {
	Ingest(ctx context.Context, c *Capture, posts []ClassifiedPost) ([]PostChange, error)
	TakeDown(ctx context.Context, c *Capture) (int, error)
}

// PageResult counts what one fetched page yielded.
type PageResult struct {
	New, Changed, Unchanged, Flagged int
}

// Sink receives what the crawler fetched: each page with the posts extracted
// from it, and pages that have gone. The crawler knows only this interface.
type Sink interface {
	Page(ctx context.Context, c *Capture, posts []Post) (PageResult, error)
	Gone(ctx context.Context, c *Capture) error
}

// Pipeline is the Sink that classifies each post and hands it to the store.
type Pipeline struct {
	Classifier Classifier
	Store      Ingester
}

// Page classifies the posts of one capture and stores them with it.
func (p *Pipeline) Page(ctx context.Context, c *Capture, posts []Post) (PageResult, error) {
	var res PageResult
	cps := make([]ClassifiedPost, len(posts))
	for i, post := range posts {
		cps[i] = ClassifiedPost{Post: post, Verdict: p.Classifier.Classify(post.Title, post.Text)}
	}
	changes, err := p.Store.Ingest(ctx, c, cps)
	if err != nil {
		return res, fmt.Errorf("ingest %s: %w", c.URL, err)
	}
	for i, ch := range changes {
		switch ch {
		case PostNew:
			res.New++
		case PostChanged:
			res.Changed++
		default:
			res.Unchanged++
		}
		if ch != PostUnchanged && cps[i].Verdict.Flagged {
			res.Flagged++
		}
	}
	return res, nil
}

// Gone records that the page at c.URL has vanished.
func (p *Pipeline) Gone(ctx context.Context, c *Capture) error {
	if _, err := p.Store.TakeDown(ctx, c); err != nil {
		return fmt.Errorf("take down %s: %w", c.URL, err)
	}
	return nil
}
