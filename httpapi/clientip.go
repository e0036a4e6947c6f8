package httpapi

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
)

// ClientIP returns the client address of a request whose peer is remoteAddr
// ("ip:port" or "ip"). X-Forwarded-For (xff: every field line of the
// header, joined with commas in the order received) is honoured only when
// the peer is a configured trusted proxy: then the client is the right-most
// address in the header that is not itself a trusted proxy. A spoofed header
// from an untrusted peer changes nothing, and neither does an address a
// client sends in a line of its own ahead of the one its proxy appends.
func (a *API) ClientIP(remoteAddr, xff string) string {
	peer := parseIP(remoteAddr)
	if !peer.IsValid() {
		return ""
	}
	if xff == "" || !a.trusted(peer) {
		return peer.String()
	}
	parts := strings.Split(xff, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		ip := parseIP(strings.TrimSpace(parts[i]))
		if !ip.IsValid() {
			break
		}
		if !a.trusted(ip) {
			return ip.String()
		}
		peer = ip
	}
	return peer.String()
}

func (a *API) trusted(ip netip.Addr) bool {
	for _, p := range a.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func parseIP(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap().WithZone("")
}

// Meta builds the core.RequestMeta of a request: the client address, the
// user agent, and, when the request's context carries the caller (a host
// route behind Guard), the caller as its actor. The kit's own routes add
// their caller with RequestMeta.WithActor.
func (a *API) Meta(r *Request) core.RequestMeta {
	m := core.RequestMeta{ClientIP: a.ClientIP(r.RemoteAddr, forwardedFor(r)), UserAgent: r.Headers.Get("User-Agent")}
	if r.Context == nil {
		return m
	}
	if p, ok := core.PrincipalFromContext(r.Context); ok {
		m = m.WithActor(p)
	}
	return m
}

// forwardedFor is the request's X-Forwarded-For with all its field lines
// joined in order, as RFC 9110 §5.3 combines them: a trusted proxy that
// appends a line of its own after the client's must be read last, not
// first.
func forwardedFor(r *Request) string {
	return strings.Join(r.Headers.Values("X-Forwarded-For"), ",")
}

// ParseTrustedProxies parses a comma-separated list of IPs and CIDR prefixes
// (ZNDRAW_AUTH_TRUSTED_PROXIES). An entry that is neither is an error that
// names it.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		bad := fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR prefix (want a comma-separated list such as 10.0.0.1, 10.0.0.0/8, fd00::/8)", item)
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, bad
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(item)
		if err != nil {
			return nil, bad
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}
