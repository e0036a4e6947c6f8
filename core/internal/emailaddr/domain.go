package emailaddr

import (
	"strings"
)

const (
	maxDomainLength = 253 // octets of the ASCII form (RFC 1035 2.3.4)
	maxLabelLength  = 63  // octets (RFC 1035 2.3.1)
)

// specialUseDomains are the IANA special-use names email-validator refuses,
// together with every name under them.
var specialUseDomains = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

// validateDomain checks a domain name (not a bracketed literal) as
// email-validator's validate_email_domain_name does with its default options,
// except that internationalised names are refused (see the package doc). It
// returns the lowercased domain.
func validateDomain(domain string) (string, error) {
	if bad := badChars(domain, isHostnameChar); bad != "" {
		return "", invalid("The part after the @-sign contains invalid characters: " + bad + ".")
	}
	if err := checkUnsafeChars(domain, false); err != nil {
		return "", err
	}
	if bad := badChars(domain, func(r rune) bool { return r < 0x80 }); bad != "" {
		return "", invalid("Internationalized characters after the @-sign are not supported: " + bad + ".")
	}
	original := domain
	domain = strings.ToLower(domain) // ASCII only by now; what UTS-46 mapping does to ASCII

	if err := checkHostnameDots(domain); err != nil {
		return "", err
	}
	labels := strings.Split(domain, ".")
	for _, label := range labels {
		// RFC 5890 reserves "??--" labels for IDNA; only "xn--" is in use.
		if len(label) >= 4 && label[2:4] == "--" && label[:2] != "xn" {
			return "", invalid("An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.")
		}
	}

	if diff := len(domain) - maxDomainLength; diff > 0 {
		if domain == original {
			return "", invalidf("The email address is too long after the @-sign %s.", tooMany(diff))
		}
		// The reference compares against the input before case folding.
		return "", invalidf("The email address is too long after the @-sign (%d byte%s too many after IDNA encoding).", diff, plural(diff))
	}
	for _, label := range labels {
		if diff := len(label) - maxLabelLength; diff > 0 {
			return "", invalidf("After the @-sign, periods cannot be separated by so many characters %s.", tooMany(diff))
		}
	}
	if !strings.Contains(domain, ".") {
		return "", invalid("The part after the @-sign is not valid. It should have a period.")
	}
	if !isASCIILetter(rune(domain[len(domain)-1])) {
		return "", invalid("The part after the @-sign is not valid. It is not within a valid top-level domain.")
	}
	for _, d := range specialUseDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return "", invalid("The part after the @-sign is a special-use or reserved name that cannot be used with email.")
		}
	}
	for _, label := range labels {
		if strings.HasPrefix(label, "xn--") {
			return "", invalid("The part after the @-sign is not valid IDNA (internationalized domain names are not supported).")
		}
	}
	return domain, nil
}

// checkHostnameDots applies the dot-atom and RFC 952 hyphen rules to a
// domain.
func checkHostnameDots(domain string) error {
	switch {
	case strings.HasSuffix(domain, "."):
		return invalid("An email address cannot end with a period.")
	case strings.HasPrefix(domain, "."):
		return invalid("An email address cannot have a period immediately after the @-sign.")
	case strings.Contains(domain, ".."):
		return invalid("An email address cannot have two periods in a row.")
	case strings.HasSuffix(domain, "-"):
		return invalid("An email address cannot end with a hyphen.")
	case strings.HasPrefix(domain, "-"):
		return invalid("An email address cannot have a hyphen immediately after the @-sign.")
	case strings.Contains(domain, ".-") || strings.Contains(domain, "-."):
		return invalid("An email address cannot have a period and a hyphen next to each other.")
	}
	return nil
}
