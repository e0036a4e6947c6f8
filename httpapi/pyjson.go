package httpapi

import "unicode/utf8"

// pyJSONMaxDepth bounds the nesting pyJSONError follows; deeper documents
// are reported as Go's decoder saw them (Python gives up far earlier, with
// a RecursionError rather than a JSONDecodeError).
const pyJSONMaxDepth = 10000

// pyJSONError tells where and why Python's json module refuses src, a
// request body already known to be valid UTF-8 (without its byte order
// mark): the message and the character offset of the JSONDecodeError that
// Starlette's request.json() raises and FastAPI reports as json_invalid.
// ok is false when Python accepts src (NaN and Infinity, which Go's decoder
// refuses) or nests it deeper than pyJSONMaxDepth.
//
// It follows CPython's C scanner (Modules/_json.c) and JSONDecoder.decode
// as of Python 3.11 and 3.12, check for check and offset for offset:
// "Expecting value", "Expecting property name enclosed in double quotes",
// "Expecting ':' delimiter", "Expecting ',' delimiter", "Extra data",
// "Unterminated string starting at", "Invalid control character at",
// "Invalid \\escape" and "Invalid \\uXXXX escape". (Python 3.13 added
// messages for a trailing comma; the older ones are reproduced.)
func pyJSONError(src []byte) (msg string, pos int, ok bool) {
	s := make([]rune, 0, utf8.RuneCount(src))
	for _, r := range string(src) {
		s = append(s, r)
	}
	p := pyScanner{s: s}
	end, err := p.value(p.ws(0), 0)
	if err == nil {
		if end = p.ws(end); end != len(s) {
			return "Extra data", end, true
		}
		return "", 0, false
	}
	if err.tooDeep {
		return "", 0, false
	}
	return err.msg, err.pos, true
}

// pyScanner scans a document the way CPython's json scanner does.
type pyScanner struct{ s []rune }

// pyJSONErr is a JSONDecodeError: its message and character offset.
type pyJSONErr struct {
	msg     string
	pos     int
	tooDeep bool
}

func expecting(what string, pos int) *pyJSONErr {
	return &pyJSONErr{msg: "Expecting " + what, pos: pos}
}

// ws skips JSON whitespace (space, tab, newline, carriage return) from i.
func (p *pyScanner) ws(i int) int {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t' || p.s[i] == '\n' || p.s[i] == '\r') {
		i++
	}
	return i
}

// word reports whether the literal w starts at i.
func (p *pyScanner) word(i int, w string) bool {
	for _, r := range w {
		if i >= len(p.s) || p.s[i] != r {
			return false
		}
		i++
	}
	return true
}

// value scans the value at i (scan_once_unicode) and returns where it ends.
func (p *pyScanner) value(i, depth int) (int, *pyJSONErr) {
	if i >= len(p.s) {
		return 0, expecting("value", i)
	}
	switch p.s[i] {
	case '"':
		return p.str(i + 1)
	case '{', '[':
		if depth >= pyJSONMaxDepth {
			return 0, &pyJSONErr{tooDeep: true}
		}
		if p.s[i] == '{' {
			return p.object(i+1, depth+1)
		}
		return p.array(i+1, depth+1)
	}
	for _, w := range []string{"null", "true", "false", "NaN", "Infinity", "-Infinity"} {
		if p.word(i, w) {
			return i + len(w), nil
		}
	}
	return p.number(i)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// number scans a number (_match_number_unicode): an integer part without
// leading zeros, then a fraction only if a digit follows the point and an
// exponent only if it has digits (else it is left for the caller).
func (p *pyScanner) number(start int) (int, *pyJSONErr) {
	s, i, last := p.s, start, len(p.s)-1
	if s[i] == '-' {
		i++
		if i > last {
			return 0, expecting("value", start)
		}
	}
	switch {
	case s[i] >= '1' && s[i] <= '9':
		i++
		for i <= last && isDigit(s[i]) {
			i++
		}
	case s[i] == '0':
		i++
	default:
		return 0, expecting("value", start)
	}
	if i < last && s[i] == '.' && isDigit(s[i+1]) {
		i += 2
		for i <= last && isDigit(s[i]) {
			i++
		}
	}
	if i < last && (s[i] == 'e' || s[i] == 'E') {
		e := i
		i++
		if i < last && (s[i] == '-' || s[i] == '+') {
			i++
		}
		for i <= last && isDigit(s[i]) {
			i++
		}
		if !isDigit(s[i-1]) {
			i = e
		}
	}
	return i, nil
}

// str scans a string whose opening quote is at end-1 (scanstring_unicode)
// and returns the index after its closing quote.
func (p *pyScanner) str(end int) (int, *pyJSONErr) {
	s, begin := p.s, end-1
	unterminated := &pyJSONErr{msg: "Unterminated string starting at", pos: begin}
	for {
		next := end
		for ; next < len(s) && s[next] != '"' && s[next] != '\\'; next++ {
			if s[next] <= 0x1f {
				return 0, &pyJSONErr{msg: "Invalid control character at", pos: next}
			}
		}
		if next >= len(s) {
			return 0, unterminated
		}
		if s[next] == '"' {
			return next + 1, nil
		}
		next++ // the escaped character
		if next == len(s) {
			return 0, unterminated
		}
		if s[next] != 'u' {
			switch s[next] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				end = next + 1
				continue
			}
			return 0, &pyJSONErr{msg: `Invalid \escape`, pos: next - 1}
		}
		next++ // the first hex digit
		end = next + 4
		if end >= len(s) {
			return 0, &pyJSONErr{msg: `Invalid \uXXXX escape`, pos: next - 1}
		}
		c, ok := hex4(s[next:end])
		if !ok {
			return 0, &pyJSONErr{msg: `Invalid \uXXXX escape`, pos: end - 5}
		}
		// A high surrogate may be followed by the escape of its low half.
		if c >= 0xd800 && c <= 0xdbff && end+6 < len(s) && s[end] == '\\' && s[end+1] == 'u' {
			c2, ok := hex4(s[end+2 : end+6])
			if !ok {
				return 0, &pyJSONErr{msg: `Invalid \uXXXX escape`, pos: end + 1}
			}
			if c2 >= 0xdc00 && c2 <= 0xdfff {
				end += 6
			}
		}
	}
}

// hex4 reads four hex digits.
func hex4(d []rune) (rune, bool) {
	var c rune
	for _, r := range d {
		c <<= 4
		switch {
		case isDigit(r):
			c |= r - '0'
		case r >= 'a' && r <= 'f':
			c |= r - 'a' + 10
		case r >= 'A' && r <= 'F':
			c |= r - 'A' + 10
		default:
			return 0, false
		}
	}
	return c, true
}

// object scans an object whose "{" is at i-1 (_parse_object_unicode).
func (p *pyScanner) object(i, depth int) (int, *pyJSONErr) {
	s := p.s
	i = p.ws(i)
	if i < len(s) && s[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return 0, expecting("property name enclosed in double quotes", i)
		}
		next, err := p.str(i + 1)
		if err != nil {
			return 0, err
		}
		i = p.ws(next)
		if i >= len(s) || s[i] != ':' {
			return 0, expecting("':' delimiter", i)
		}
		if i, err = p.value(p.ws(i+1), depth); err != nil {
			return 0, err
		}
		var done bool
		if i, done, err = p.afterItem(i, '}'); err != nil || done {
			return i, err
		}
	}
}

// array scans an array whose "[" is at i-1 (_parse_array_unicode).
func (p *pyScanner) array(i, depth int) (int, *pyJSONErr) {
	i = p.ws(i)
	if i < len(p.s) && p.s[i] == ']' {
		return i + 1, nil
	}
	for {
		var err *pyJSONErr
		if i, err = p.value(i, depth); err != nil {
			return 0, err
		}
		var done bool
		if i, done, err = p.afterItem(i, ']'); err != nil || done {
			return i, err
		}
	}
}

// afterItem reads what follows an item of an object or array that close
// ends: the closing character (done, i after it) or a comma (i at the next
// item, whitespace skipped).
func (p *pyScanner) afterItem(i int, close rune) (next int, done bool, err *pyJSONErr) {
	i = p.ws(i)
	if i < len(p.s) && p.s[i] == close {
		return i + 1, true, nil
	}
	if i >= len(p.s) || p.s[i] != ',' {
		return 0, false, expecting("',' delimiter", i)
	}
	return p.ws(i + 1), false, nil
}
