package emailaddr

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// checkDomainLiteral explains what is wrong with the text between the
// brackets of a domain literal, as email-validator does before it refuses
// even a valid literal. It returns nil for a well-formed IPv4 or IPv6
// literal.
func checkDomainLiteral(lit string) error {
	if isIPv4Shaped(lit) {
		if reason := ipv4Problem(lit); reason != "" {
			return invalidf("The address in brackets after the @-sign is not valid: It is not an IPv4 address (%s) or is missing an address literal tag.", reason)
		}
		return nil
	}
	if addr, ok := strings.CutPrefix(lit, "IPv6:"); ok {
		if ip, err := netip.ParseAddr(addr); err != nil || !ip.Is6() {
			return invalidf("The IPv6 address in brackets after the @-sign is not valid (%s is not an IPv6 address).", pyQuote(addr))
		}
		return nil
	}
	if !strings.Contains(lit, ":") {
		return invalid("The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.")
	}
	if bad := badChars(lit, func(r rune) bool { return r >= 0x21 && r <= 0xfa }); bad != "" {
		return invalid("The part after the @-sign contains invalid characters in brackets: " + bad + ".")
	}
	return invalid("The part after the @-sign contains an invalid address literal tag in brackets.")
}

// isIPv4Shaped mirrors the reference's test re.match(r"^[0-9\.]+$", lit),
// whose $ also matches before a final newline.
func isIPv4Shaped(lit string) bool {
	body := strings.TrimSuffix(lit, "\n")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ipv4Problem returns the reason Python's ipaddress.IPv4Address gives for
// refusing s (digits, periods and at most a final newline), or "" when s is
// a valid dotted quad.
func ipv4Problem(s string) string {
	octets := strings.Split(s, ".")
	if len(octets) != 4 {
		return "Expected 4 octets in " + pyQuote(s)
	}
	for _, o := range octets {
		var reason string
		switch {
		case o == "":
			reason = "Empty octet not permitted"
		case strings.HasSuffix(o, "\n"):
			reason = "Only decimal digits permitted in " + pyQuote(o)
		case len(o) > 3:
			reason = "At most 3 characters permitted in " + pyQuote(o)
		case o != "0" && o[0] == '0':
			reason = "Leading zeros are not permitted in " + pyQuote(o)
		default:
			if n, _ := strconv.Atoi(o); n > 255 {
				reason = fmt.Sprintf("Octet %d (> 255) not permitted", n)
			}
		}
		if reason != "" {
			return reason + " in " + pyQuote(s)
		}
	}
	return ""
}

// pyQuote renders an ASCII string the way Python's repr does, for the
// characters that can reach it here.
func pyQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "\n", `\n`, "'", `\'`).Replace(s) + "'"
}
