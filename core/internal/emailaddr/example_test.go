package emailaddr_test

import (
	"errors"
	"fmt"

	"github.com/zincware/zndraw-auth-go/core/internal/emailaddr"
)

func ExampleNormalize() {
	for _, in := range []string{
		"King.Arthur@Camelot.BT",
		"  Arthur <INFO@Camelot.BT> ",
		"king.arthur",
		"arthur@camelot.test",
	} {
		addr, err := emailaddr.Normalize(in)
		var e *emailaddr.Error
		if errors.As(err, &e) {
			fmt.Printf("%q: 422 %s\n", in, emailaddr.MessagePrefix+e.Reason)
			continue
		}
		fmt.Printf("%q: store %q\n", in, addr)
	}
	// Output:
	// "King.Arthur@Camelot.BT": store "King.Arthur@camelot.bt"
	// "  Arthur <INFO@Camelot.BT> ": store "info@camelot.bt"
	// "king.arthur": 422 value is not a valid email address: An email address must have an @-sign.
	// "arthur@camelot.test": 422 value is not a valid email address: The part after the @-sign is a special-use or reserved name that cannot be used with email.
}
