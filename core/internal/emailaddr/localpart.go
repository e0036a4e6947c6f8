package emailaddr

import "strings"

// roleMailboxes are the RFC 2142 mailbox names email-validator treats as
// case-insensitive and lowercases.
var roleMailboxes = map[string]bool{
	"info": true, "marketing": true, "sales": true, "support": true,
	"abuse": true, "noc": true, "security": true,
	"postmaster": true, "hostmaster": true, "usenet": true, "news": true,
	"webmaster": true, "www": true, "uucp": true, "ftp": true,
}

// validateLocalPart checks the part before the @-sign (already unquoted when
// quoted is set) as email-validator's validate_email_local_part does with its
// default options. It returns the local part to use and whether it is ASCII.
// A quoted local part that passes here is still refused by the caller.
func validateLocalPart(local string, quoted bool) (string, bool, error) {
	if local == "" {
		return "", false, invalid("There must be something before the @-sign.")
	}
	if isDotAtom(local, isAtext) {
		return local, true, nil
	}
	var form string
	switch {
	case isDotAtom(local, isAtextIntl):
		form = "dot-atom"
	case quoted:
		if bad := badChars(local, isQtextIntl); bad != "" {
			return "", false, invalid("The email address contains invalid characters in quotes before the @-sign: " + bad + ".")
		}
		form = "quoted"
	}
	if form != "" {
		if err := checkUnsafeChars(local, form == "quoted"); err != nil {
			return "", false, err
		}
		ascii := form == "quoted" && isPrintableASCII(local)
		if form == "quoted" {
			r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
			local = `"` + r.Replace(local) + `"`
		}
		return local, ascii, nil
	}
	if bad := badChars(local, func(r rune) bool { return r == '.' || isAtextIntl(r) }); bad != "" {
		return "", false, invalid("The email address contains invalid characters before the @-sign: " + bad + ".")
	}
	switch {
	case strings.HasSuffix(local, "."):
		return "", false, invalid("An email address cannot have a period immediately before the @-sign.")
	case strings.HasPrefix(local, "."):
		return "", false, invalid("An email address cannot start with a period.")
	case strings.Contains(local, ".."):
		return "", false, invalid("An email address cannot have two periods in a row.")
	}
	return "", false, invalid("The email address contains invalid characters before the @-sign.")
}

// normalizeRole lowercases an ASCII local part that names an RFC 2142 role
// mailbox, whatever its case.
func normalizeRole(local string, ascii bool) string {
	if lower := strings.ToLower(local); ascii && roleMailboxes[lower] {
		return lower
	}
	return local
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
