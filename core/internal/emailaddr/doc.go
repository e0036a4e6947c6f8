// Package emailaddr validates and normalises email addresses the way the
// reference server does: pydantic 2.12's EmailStr, which hands the value to
// email-validator 2.3 with check_deliverability=False.
//
// Normalize returns the address to store, or an *Error whose Reason is the
// sentence email-validator (or pydantic) would have produced; the HTTP layer
// answers 422 "value is not a valid email address: " + Reason.
//
// What is reproduced, in the reference's order of checks:
//
//   - pydantic: at most 2048 characters (code points); the "pretty" form
//     `Name <addr>` or `"Name" <addr>` reduced to addr (pydantic's own regular
//     expression, with Python's Unicode \w and \s); leading and trailing
//     whitespace stripped in Python's sense (str.strip, which also removes
//     U+001C..U+001F, U+0085, U+00A0, U+2000..U+200A, U+3000 and friends).
//   - email-validator: the split at the first @-sign outside quotes; a
//     display name or angle brackets left over after pydantic are refused;
//     quoted local parts and bracketed domain literals are refused (with the
//     same reasons as the reference, including the detailed IPv4 reasons);
//     dot-atom local parts of ASCII atext plus any non-ASCII character that is
//     a letter, number, punctuation or symbol (no spaces, separators, control
//     or format characters, no combining mark in first position); domains of
//     LDH labels of 1..63 characters, at most 253 in all, with a period, a
//     last character that is a letter, no "ab--" labels other than "xn--",
//     and not under one of the special-use names arpa, invalid, local,
//     localhost, onion and test; the whole address at most 254 UTF-8 bytes.
//   - Normalisation: the domain is lowercased, the local part is put in
//     Unicode NFC (RFC 6532 §3.1; an address typed in decomposed form, or
//     with a singleton such as the Kelvin sign U+212A, is stored composed)
//     and must still be valid in that form ("After Unicode normalization:
//     ..."), and is otherwise kept as typed, except that the RFC 2142 role
//     mailboxes (info, marketing, sales, support, abuse, noc, security,
//     postmaster, hostmaster, usenet, news, webmaster, www, uucp, ftp) are
//     lowercased.
//
// email-validator 2.3 no longer limits the local part to 64 characters unless
// it is called with strict=True, which pydantic does not do; so neither does
// this package. Only the 254-byte limit on the whole address applies.
//
// Known differences from the reference, because no IDNA tables are used:
//
//   - Internationalised domains are refused: a domain with a non-ASCII
//     character ("Internationalized characters after the @-sign are not
//     supported: ...") and a domain with a Punycode label "xn--..." ("The part
//     after the @-sign is not valid IDNA (internationalized domain names are
//     not supported).") The reference accepts valid IDNs and stores their
//     Unicode form. Refusing them keeps every stored domain lowercase ASCII,
//     so one mailbox cannot be registered twice under two spellings.
//   - Error wording for rare inputs: the IPv6 reasons inside a refused
//     bracketed literal, names of characters outside the table in names.go
//     (shown as "U+XXXX"), and '<' followed by combining marks other than a
//     directly following U+0338 may be worded differently; whether the input
//     is accepted is not affected.
package emailaddr
