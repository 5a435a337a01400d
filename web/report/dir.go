package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"
)

// Dir keeps generated monthly tables as files named monthly-YYYY-MM.xlsx.
type Dir struct {
	Path string
}

// File is one generated table.
type File struct {
	Name     string    // file name inside the directory
	Month    time.Time // first day of the month it covers
	Size     int64
	Modified time.Time
}

// DownloadName is the Chinese file name offered to the browser.
func (f File) DownloadName() string {
	return fmt.Sprintf("挂证处理汇总表-%d年%02d月.xlsx", f.Month.Year(), int(f.Month.Month()))
}

var fileRE = regexp.MustCompile(`^monthly-(\d{4}-\d{2})\.xlsx$`)

// FileName is the name of the table of month.
func FileName(month time.Time) string { return "monthly-" + month.Format("2006-01") + ".xlsx" }

// ErrBadName is returned for a name that is not a generated table's.
var ErrBadName = errors.New("not a report file name")

func (d Dir) file(name string, fi os.FileInfo) (File, error) {
	m := fileRE.FindStringSubmatch(name)
	if m == nil {
		return File{}, fmt.Errorf("%q: %w", name, ErrBadName)
	}
	month, err := time.ParseInLocation("2006-01", m[1], cst)
	if err != nil {
		return File{}, fmt.Errorf("%q: %w", name, ErrBadName)
	}
	return File{Name: name, Month: month, Size: fi.Size(), Modified: fi.ModTime()}, nil
}

// List returns the generated tables, newest month first. A missing
// directory holds none.
func (d Dir) List() ([]File, error) {
	ents, err := os.ReadDir(d.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	var out []File
	for _, e := range ents {
		if e.IsDir() || !fileRE.MatchString(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		if f, err := d.file(e.Name(), fi); err == nil {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month.After(out[j].Month) })
	return out, nil
}

// Open opens a generated table by name; only names of the form
// monthly-YYYY-MM.xlsx are accepted.
func (d Dir) Open(name string) (*os.File, File, error) {
	if !fileRE.MatchString(name) {
		return nil, File{}, fmt.Errorf("%q: %w", name, ErrBadName)
	}
	fh, err := os.Open(filepath.Join(d.Path, name))
	if err != nil {
		return nil, File{}, fmt.Errorf("report %s: %w", name, err)
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, File{}, fmt.Errorf("report %s: %w", name, err)
	}
	f, err := d.file(name, fi)
	if err != nil {
		fh.Close()
		return nil, File{}, err
	}
	return fh, f, nil
}

// Generate writes the table of the month holding month into the directory
// (replacing an older one atomically) and returns it.
func (d Dir) Generate(ctx context.Context, s Store, month time.Time, o Options) (File, error) {
	o = o.withDefaults()
	month = MonthStart(month, o.Location)
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return File{}, fmt.Errorf("reports: %w", err)
	}
	tmp, err := os.CreateTemp(d.Path, ".monthly-*.xlsx")
	if err != nil {
		return File{}, fmt.Errorf("reports: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := Write(ctx, s, month, tmp, o); err != nil {
		tmp.Close()
		return File{}, err
	}
	if err := tmp.Close(); err != nil {
		return File{}, fmt.Errorf("reports: %w", err)
	}
	name := FileName(month)
	if err := os.Rename(tmp.Name(), filepath.Join(d.Path, name)); err != nil {
		return File{}, fmt.Errorf("reports: %w", err)
	}
	fi, err := os.Stat(filepath.Join(d.Path, name))
	if err != nil {
		return File{}, fmt.Errorf("reports: %w", err)
	}
	return d.file(name, fi)
}

// Job returns the scheduler job that writes last month's table into dir;
// the caller runs it on Schedule (08:00 on the 2nd). Failures are logged.
func Job(s Store, dir Dir, o Options, log *slog.Logger) func(ctx context.Context) {
	o = o.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context) {
		month := PreviousMonth(o.Now(), o.Location)
		f, err := dir.Generate(ctx, s, month, o)
		if err != nil {
			log.Error("monthly report failed", "month", month.Format("2006-01"), "err", err)
			return
		}
		log.Info("monthly report written", "month", month.Format("2006-01"), "file", filepath.Join(dir.Path, f.Name), "bytes", f.Size)
	}
}
