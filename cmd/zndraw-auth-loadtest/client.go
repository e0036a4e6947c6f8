package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// conn is a minimal HTTP/1.1 keep-alive client on one TCP connection. It
// is much cheaper than net/http's client, so that on a 2-core machine the
// load generator takes as little CPU from the server as possible and the
// measured difference is the server's.
type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, r: bufio.NewReaderSize(c, 4096)}, nil
}

func (c *conn) Close() error { return c.c.Close() }

// do sends the raw request req and reads the response, returning its
// status; the body is discarded unless body is non-nil.
func (c *conn) do(req []byte, body *[]byte) (int, error) {
	if _, err := c.c.Write(req); err != nil {
		return 0, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, chunked := -1, false
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	var dst io.Writer = io.Discard
	var buf bytes.Buffer
	if body != nil {
		dst = &buf
	}
	switch {
	case chunked:
		err = readChunked(c.r, dst)
	case length >= 0:
		_, err = io.CopyN(dst, c.r, int64(length))
	default:
		return 0, errors.New("response without Content-Length")
	}
	if body != nil {
		*body = buf.Bytes()
	}
	return status, err
}

func readChunked(r *bufio.Reader, dst io.Writer) error {
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(line, []byte(";"), 2)[0])), 16, 64)
		if err != nil {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if size == 0 {
			_, err = r.ReadSlice('\n') // no trailers expected
			return err
		}
		if _, err := io.CopyN(dst, r, size); err != nil {
			return err
		}
		if _, err := r.Discard(2); err != nil {
			return err
		}
	}
}

// getRequest is a raw keep-alive GET of path with a bearer token.
func getRequest(path, token string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: loadtest\r\nAuthorization: Bearer " + token + "\r\n\r\n")
}

// postForm is a raw POST of a form body.
func postForm(path, form string) []byte {
	return []byte("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: loadtest\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
		strconv.Itoa(len(form)) + "\r\n\r\n" + form)
}

// loadResult is what one load phase measured.
type loadResult struct {
	requests  int
	elapsed   time.Duration
	latencies []time.Duration
}

func (r loadResult) perSecond() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// merge adds o to r.
func (r *loadResult) merge(o loadResult) {
	r.requests += o.requests
	r.elapsed += o.elapsed
	r.latencies = append(r.latencies, o.latencies...)
}

// percentile returns the p-th percentile (0..100) of the latencies.
func (r loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// drive sends req on conns keep-alive connections, each waiting for the
// answer before the next request, for d, and expects 200 every time.
func drive(addr string, req []byte, conns int, d time.Duration) (loadResult, error) {
	cs := make([]*conn, conns)
	for i := range cs {
		c, err := dial(addr)
		if err != nil {
			return loadResult{}, err
		}
		defer c.Close()
		cs[i] = c
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total loadResult
		first error
	)
	start := time.Now()
	deadline := start.Add(d)
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			for {
				t := time.Now()
				if t.After(deadline) {
					break
				}
				status, err := c.do(req, nil)
				if err == nil && status != 200 {
					err = fmt.Errorf("status %d", status)
				}
				if err != nil {
					mu.Lock()
					first = cmpErr(first, err)
					mu.Unlock()
					return
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			total.requests += len(lat)
			total.latencies = append(total.latencies, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	total.elapsed = time.Since(start)
	return total, first
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
