package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
)

// ExportStore is what Export needs from a store.
type ExportStore interface {
	guazheng.EvidenceStore
	guazheng.EntityStore
	GetHit(ctx context.Context, id int64) (*guazheng.HitDetail, error)
	Audit() guazheng.AuditLog
}

// Selection names what a package is about: one hit, every post that
// carries a contact value, or a given set of posts (a broker network).
// Exactly one of HitID, Contact and Posts is set.
type Selection struct {
	HitID   int64
	Contact string
	Posts   []guazheng.PostRef
	// Name says what Posts are, for the summary and the audit log
	// (e.g. "network:ab12" and 关联团伙 ab12); required with Posts.
	Name, Title string
}

func (s Selection) object() string {
	switch {
	case s.HitID != 0:
		return fmt.Sprintf("hit:%d", s.HitID)
	case s.Posts != nil:
		return s.Name
	}
	return "contact:" + s.Contact
}

// kinds counts the selections made (exactly one is valid).
func (s Selection) kinds() int {
	n := 0
	for _, set := range []bool{s.HitID != 0, s.Contact != "", s.Posts != nil} {
		if set {
			n++
		}
	}
	return n
}

// ExportOptions configure Export.
type ExportOptions struct {
	Actor   string             // recorded in the audit log; default "cli"
	SignKey ed25519.PrivateKey // sign manifest.json when set
	TSA     string             // RFC 3161 time-stamping authority URL; none when empty
	Client  *http.Client       // for the TSA; default http.DefaultClient with a timeout
	Now     func() time.Time
}

// ManifestFile is one file of the package with its digest.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// ManifestRecord locates a copied WARC record in the package and in the store.
type ManifestRecord struct {
	CaptureID     int64  `json:"capture_id"`
	Type          string `json:"type"`
	RecordID      string `json:"record_id"`
	PackageFile   string `json:"package_file"`
	PackageOffset int64  `json:"package_offset"`
	Length        int64  `json:"length"`
	SourceFile    string `json:"source_file"`
	SourceOffset  int64  `json:"source_offset"`
	BlockDigest   string `json:"block_digest"`
	PayloadDigest string `json:"payload_digest,omitempty"`
	TargetURI     string `json:"target_uri"`
	Date          string `json:"date"`
}

// Manifest is manifest.json.
type Manifest struct {
	Format    string           `json:"format"`
	Note      string           `json:"note"`
	Created   time.Time        `json:"created"`
	Tool      string           `json:"tool"`
	Selection string           `json:"selection"`
	Posts     []int64          `json:"posts"`
	Captures  []int64          `json:"captures"`
	AuditHead AuditRef         `json:"audit_head"`
	Files     []ManifestFile   `json:"files"`
	Records   []ManifestRecord `json:"records"`
	NotListed []string         `json:"not_listed"` // files derived from the manifest itself
}

// AuditRef pins the audit chain at export time.
type AuditRef struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Result says what Export wrote.
type Result struct {
	Manifest       Manifest
	ManifestSHA256 string
	Files          int
	Signed         bool
	Timestamped    bool
	AuditSeq       int64
}

// ErrNothing is returned when the selection matches no post.
var ErrNothing = errors.New("nothing to export")

// Export writes the evidence package for sel to out (a ZIP) and records the
// export in the audit log.
func Export(ctx context.Context, s ExportStore, sel Selection, out io.Writer, opts ExportOptions) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Actor == "" {
		opts.Actor = "cli"
	}
	if sel.kinds() != 1 {
		return nil, errors.New("export: give exactly one of a hit id, a contact value and a set of posts")
	}
	if sel.Posts != nil && (sel.Name == "" || sel.Title == "") {
		return nil, errors.New("export: a set of posts needs a name and a title")
	}
	now := opts.Now().UTC()

	// What: the posts, their hits and captures.
	var posts []*guazheng.PostDetail
	var hits []*guazheng.HitDetail
	if sel.HitID != 0 {
		h, err := s.GetHit(ctx, sel.HitID)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		hits = append(hits, h)
		posts = append(posts, &h.Post)
	} else {
		refs := sel.Posts
		var err error
		if refs == nil {
			if refs, err = s.PostsByContact(ctx, "", sel.Contact); err != nil {
				return nil, fmt.Errorf("export: %w", err)
			}
		}
		if len(refs) == 0 && sel.Posts == nil {
			// Contacts are stored normalised: phone numbers as digits,
			// WeChat ids and e-mail addresses in lower case.
			if alt := normaliseContact(sel.Contact); alt != sel.Contact {
				if refs, err = s.PostsByContact(ctx, "", alt); err != nil {
					return nil, fmt.Errorf("export: %w", err)
				}
				sel.Contact = alt
			}
		}
		for _, r := range refs {
			if r.HitID != 0 {
				h, err := s.GetHit(ctx, r.HitID)
				if err != nil {
					return nil, fmt.Errorf("export: %w", err)
				}
				hits = append(hits, h)
				posts = append(posts, &h.Post)
				continue
			}
			p, err := s.GetPost(ctx, r.PostID)
			if err != nil {
				return nil, fmt.Errorf("export: %w", err)
			}
			posts = append(posts, p)
		}
	}
	if len(posts) == 0 {
		return nil, fmt.Errorf("export %s: %w", sel.object(), ErrNothing)
	}
	postIDs := make([]int64, len(posts))
	for i, p := range posts {
		postIDs[i] = p.ID
	}
	caps, err := s.Captures(ctx, postIDs)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	head, err := s.Audit().Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}

	pk := &packager{files: map[string][]byte{}, now: now}
	m := Manifest{
		Format:    "guazheng-evidence-package/1",
		Note:      "本材料为线索，非正式证据。This package is a lead, not formal evidence.",
		Created:   now,
		Tool:      "guazheng " + guazheng.Version,
		Selection: sel.object(),
		Posts:     postIDs,
		AuditHead: AuditRef{Seq: head.Seq, Hash: head.Hash},
		NotListed: []string{"manifest.json", "manifest.sha256", "SHA256SUMS", "manifest.sig", "manifest.pub.pem", "manifest.tsr"},
	}
	recs, err := copyRecords(s.WARCDir(), caps, pk)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	m.Records = recs
	for _, c := range caps {
		m.Captures = append(m.Captures, c.ID)
	}
	for _, p := range posts {
		for _, v := range p.Versions {
			pk.add(fmt.Sprintf("texts/post-%d-v%d.txt", p.ID, v.N), []byte(versionText(p, v)))
		}
	}
	pj, err := json.MarshalIndent(map[string]any{"posts": posts, "hits": hitsLite(hits), "captures": caps}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	pk.add("posts.json", pj)
	pk.add("summary.txt", []byte(summary(sel, posts, hits, caps, now, head)))
	pk.add("README.txt", []byte(readme(opts.SignKey != nil, opts.TSA != "")))
	pk.add("说明.txt", []byte(readme(opts.SignKey != nil, opts.TSA != "")))

	for _, name := range pk.order {
		b := pk.files[name]
		sum := sha256.Sum256(b)
		m.Files = append(m.Files, ManifestFile{Path: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b))})
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	mj = append(mj, '\n')
	msum := sha256.Sum256(mj)
	mhex := hex.EncodeToString(msum[:])
	pk.add("manifest.json", mj)
	pk.add("manifest.sha256", []byte(mhex+"  manifest.json\n"))
	res := &Result{Manifest: m, ManifestSHA256: mhex}
	if opts.SignKey != nil {
		pub, err := x509.MarshalPKIXPublicKey(opts.SignKey.Public())
		if err != nil {
			return nil, fmt.Errorf("export: public key: %w", err)
		}
		pk.add("manifest.sig", ed25519.Sign(opts.SignKey, mj))
		pk.add("manifest.pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
		res.Signed = true
	}
	if opts.TSA != "" {
		client := opts.Client
		if client == nil {
			client = &http.Client{Timeout: 30 * time.Second}
		}
		tsr, err := Timestamp(ctx, client, opts.TSA, msum[:])
		if err != nil {
			return nil, fmt.Errorf("export: timestamp: %w", err)
		}
		pk.add("manifest.tsr", tsr)
		res.Timestamped = true
	}
	var sums strings.Builder
	for _, f := range m.Files {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Path)
	}
	fmt.Fprintf(&sums, "%s  manifest.json\n", mhex)
	pk.add("SHA256SUMS", []byte(sums.String()))

	if err := pk.write(out); err != nil {
		return nil, fmt.Errorf("export: write zip: %w", err)
	}
	res.Files = len(pk.order)
	ae, err := s.Audit().Append(ctx, opts.Actor, "export", sel.object(), map[string]any{
		"manifest_sha256": mhex, "posts": postIDs, "captures": m.Captures, "files": res.Files,
		"signed": res.Signed, "timestamped": res.Timestamped, "audit_head": head.Seq})
	if err != nil {
		return nil, fmt.Errorf("export: audit: %w", err)
	}
	res.AuditSeq = ae.Seq
	return res, nil
}

// ExportFile writes the package to path atomically (temporary file, then
// rename).
func ExportFile(ctx context.Context, s ExportStore, sel Selection, path string, opts ExportOptions) (*Result, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*.zip")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	res, err := Export(ctx, s, sel, tmp, opts)
	if err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return res, nil
}

type packager struct {
	files map[string][]byte
	order []string
	now   time.Time
}

func (p *packager) add(name string, b []byte) {
	if _, ok := p.files[name]; !ok {
		p.order = append(p.order, name)
	}
	p.files[name] = b
}

func (p *packager) write(w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, name := range p.order {
		method := zip.Deflate
		if strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".sig") || strings.HasSuffix(name, ".tsr") {
			method = zip.Store
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: p.now})
		if err != nil {
			return err
		}
		if _, err := fw.Write(p.files[name]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// copyRecords copies the records of caps, byte for byte, into one package
// file per source file (its warcinfo record first), checking each on the way.
func copyRecords(dir string, caps []guazheng.CaptureRecord, pk *packager) ([]ManifestRecord, error) {
	type src struct {
		capture int64
		loc     guazheng.WARCLocation
	}
	bySource := map[string][]src{}
	var sources []string
	for _, c := range caps {
		for _, l := range c.Records {
			if _, ok := bySource[l.File]; !ok {
				sources = append(sources, l.File)
			}
			bySource[l.File] = append(bySource[l.File], src{c.ID, l})
		}
	}
	sort.Strings(sources)
	var out []ManifestRecord
	var mr warc.MemberReader
	for _, name := range sources {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("WARC file: %w", err)
		}
		var buf bytes.Buffer
		// The file's warcinfo record: the first member.
		if _, err := warc.Scan(io.LimitReader(f, 64<<10), func(m warc.Member) error {
			if m.Record == nil || m.Record.Get("WARC-Type") != warc.TypeWarcinfo {
				return errors.New("first record is not warcinfo")
			}
			if _, err := io.Copy(&buf, io.NewSectionReader(f, m.Offset, m.Length)); err != nil {
				return err
			}
			return errStop
		}); err != nil && !errors.Is(err, errStop) {
			f.Close()
			return nil, fmt.Errorf("%s: warcinfo: %w", name, err)
		}
		recs := bySource[name]
		sort.Slice(recs, func(i, j int) bool { return recs[i].loc.Offset < recs[j].loc.Offset })
		pkgName := "warc/" + name
		for _, r := range recs {
			p, err := mr.ReadAt(f, r.loc.Offset, r.loc.Length)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s@%d: %w (run guazheng evidence verify)", name, r.loc.Offset, err)
			}
			if errs := p.Check(); len(errs) > 0 || p.Get("WARC-Record-ID") != r.loc.RecordID ||
				!strings.EqualFold(p.Get("WARC-Block-Digest"), r.loc.BlockDigest) {
				f.Close()
				return nil, fmt.Errorf("%s@%d: record does not match the index %v (run guazheng evidence verify)", name, r.loc.Offset, errs)
			}
			off := int64(buf.Len())
			if _, err := io.Copy(&buf, io.NewSectionReader(f, r.loc.Offset, r.loc.Length)); err != nil {
				f.Close()
				return nil, err
			}
			out = append(out, ManifestRecord{CaptureID: r.capture, Type: r.loc.Type, RecordID: r.loc.RecordID,
				PackageFile: pkgName, PackageOffset: off, Length: r.loc.Length, SourceFile: name, SourceOffset: r.loc.Offset,
				BlockDigest: r.loc.BlockDigest, PayloadDigest: r.loc.PayloadDigest,
				TargetURI: p.Get("WARC-Target-URI"), Date: p.Get("WARC-Date")})
		}
		f.Close()
		pk.add(pkgName, buf.Bytes())
	}
	return out, nil
}

var errStop = errors.New("stop")

type hitLite struct {
	ID      int64                `json:"id"`
	PostID  int64                `json:"post_id"`
	State   guazheng.HitState    `json:"state"`
	Label   string               `json:"state_label"`
	Notes   []guazheng.HitNote   `json:"notes"`
	History []guazheng.HitChange `json:"history"`
}

func hitsLite(hs []*guazheng.HitDetail) []hitLite {
	out := []hitLite{}
	for _, h := range hs {
		out = append(out, hitLite{h.ID, h.PostID, h.State, h.State.Chinese(), h.Notes, h.History})
	}
	return out
}

// LoadSignKey reads an Ed25519 private key from a PEM file (PKCS #8, as
// written by `openssl genpkey -algorithm ed25519`).
func LoadSignKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sign key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("sign key %s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("sign key %s: %w", path, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("sign key %s: %T is not an Ed25519 key", path, k)
	}
	return ek, nil
}

// normaliseContact returns v as the store keeps contacts: digits only when v
// is a phone or QQ number written with separators (+86, spaces, dashes),
// lower case otherwise.
func normaliseContact(v string) string {
	v = strings.TrimSpace(v)
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')' || r == '.':
			return -1
		}
		return 'x'
	}, v)
	if digits != "" && !strings.Contains(digits, "x") {
		if strings.HasPrefix(digits, "86") && len(digits) == 13 {
			digits = digits[2:]
		}
		return digits
	}
	return strings.ToLower(v)
}
