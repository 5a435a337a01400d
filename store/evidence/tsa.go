package evidence

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"

	"github.com/digitorus/timestamp"
)

// Timestamp asks the RFC 3161 time-stamping authority at url for a token
// over digest (a SHA-256), checks the reply (status, signature when the TSA
// includes its certificate, message imprint and nonce) and returns the DER
// TimeStampResp, as `openssl ts -reply -in FILE` reads it.
func Timestamp(ctx context.Context, client *http.Client, url string, digest []byte) ([]byte, error) {
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	req := timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest, Certificates: true, Nonce: nonce}
	body, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("TSA request: %w", err)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("TSA request: %w", err)
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("TSA %s: %w", url, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("TSA %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("TSA %s: HTTP %s", url, resp.Status)
	}
	ts, err := timestamp.ParseResponse(reply)
	if err != nil {
		return nil, fmt.Errorf("TSA %s: bad reply: %w", url, err)
	}
	if !bytes.Equal(ts.HashedMessage, digest) {
		return nil, fmt.Errorf("TSA %s: token is over another digest", url)
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return nil, fmt.Errorf("TSA %s: nonce mismatch", url)
	}
	return reply, nil
}
